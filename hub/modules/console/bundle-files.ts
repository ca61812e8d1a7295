import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** This module's folder. */
export const CONSOLE_DIR = import.meta.dirname;
/** The front end's sources: `index.html`, `src/`, its tsconfig. */
export const WEB_DIR = path.join(CONSOLE_DIR, 'web');
/** Where `npm run build:console` writes the bundle (ignored by git). */
export const DIST_DIR = path.join(CONSOLE_DIR, 'dist');
/** The Vite configuration of the front end. */
export const VITE_CONFIG = path.join(CONSOLE_DIR, 'vite.config.ts');
/** The build's stamp in the bundle folder: the hash of the sources it was built from. */
export const STAMP_FILE = 'build.json';
/** The command that builds the bundle, as error messages and logs name it. */
export const BUILD_COMMAND = 'npm run build:console';

/** Packages whose code goes into the bundle or makes it: a new version is a new bundle. */
const BUILD_PACKAGES = [
  'vite',
  '@vitejs/plugin-react',
  'react',
  'react-dom',
  'recharts',
  '@xyflow/react',
  '@dagrejs/dagre',
] as const;

/** Files under `dir`, relative, sorted; tests left out (they are not part of the bundle). */
function sourceFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((entry) => entry.isFile() && !/\.test\.tsx?$/.test(entry.name))
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

function packageVersion(name: string): string {
  try {
    return (
      JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }
    ).version;
  } catch {
    return 'missing';
  }
}

/**
 * A hash of everything the bundle is made from: the front end's files, the Vite configuration and
 * the versions of the packages built into it. Undefined when the sources are not there (a hub
 * installed from its bundle alone).
 */
export function sourceHash(): string | undefined {
  if (!fs.existsSync(WEB_DIR)) return undefined;
  const hash = createHash('sha256');
  const add = (name: string, content: Buffer | string) => {
    hash.update(`${name}\0${content.length}\0`);
    hash.update(content);
  };
  for (const file of sourceFiles(WEB_DIR)) add(`web/${file}`, fs.readFileSync(path.join(WEB_DIR, file)));
  add('vite.config.ts', fs.readFileSync(VITE_CONFIG));
  for (const name of BUILD_PACKAGES) add(name, packageVersion(name));
  return hash.digest('hex');
}

/** What the bundle folder holds: `missing` (no bundle), `stale` (built from other sources), `current`. */
export type BundleState = 'missing' | 'stale' | 'current';

/** The state of the bundle in `dist` against the sources (`current` when the sources are not there). */
export function bundleState(dist = DIST_DIR): BundleState {
  if (!fs.existsSync(path.join(dist, 'index.html'))) return 'missing';
  const expected = sourceHash();
  if (expected === undefined) return 'current';
  try {
    const stamp = JSON.parse(fs.readFileSync(path.join(dist, STAMP_FILE), 'utf8')) as { sourceHash?: string };
    return stamp.sourceHash === expected ? 'current' : 'stale';
  } catch {
    return 'stale';
  }
}

/** Writes the stamp of a bundle just built from the sources as they are. */
export function writeStamp(dist: string, builtAt: Date): void {
  const stamp = { sourceHash: sourceHash(), builtAt: builtAt.toISOString() };
  fs.writeFileSync(path.join(dist, STAMP_FILE), `${JSON.stringify(stamp, null, 2)}\n`);
}
