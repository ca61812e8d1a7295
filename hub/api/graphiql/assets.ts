import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { AssetMissingError } from '../../kernel/errors/index.js';

const gzip = promisify(zlib.gzip);
const require = createRequire(import.meta.url);

/** One file the GraphiQL page loads, held in memory under a content-hashed name. */
export interface GraphiqlAsset {
  /** File name under `/graphiql/assets/`, e.g. `graphiql.k3J….js`: changes whenever the content does. */
  readonly name: string;
  readonly type: string;
  readonly body: Buffer;
  /** Strong entity tag (the content hash). */
  readonly etag: string;
  /** The body gzipped, computed on first use. */
  gzipped(): Promise<Buffer>;
}

/** React and ReactDOM export only their entry points: find the package, then the file in it. */
const inPackage = (pkg: string, file: string) =>
  path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
const beside = (file: string) => fileURLToPath(new URL(file, import.meta.url));

const SOURCES = {
  react: { from: 'react/umd/react.production.min.js', stem: 'react', ext: 'js' },
  reactDom: { from: 'react-dom/umd/react-dom.production.min.js', stem: 'react-dom', ext: 'js' },
  graphiql: { from: 'graphiql/graphiql.min.js', stem: 'graphiql', ext: 'js' },
  graphiqlCss: { from: 'graphiql/graphiql.min.css', stem: 'graphiql', ext: 'css' },
  page: { from: './page.js', stem: 'page', ext: 'js' },
  pageCss: { from: './page.css', stem: 'page', ext: 'css' },
} as const;

export type GraphiqlAssets = { readonly [K in keyof typeof SOURCES]: GraphiqlAsset };

const TYPES = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' } as const;

function locate(from: string): string {
  if (from.startsWith('./')) return beside(from);
  const [scope, ...rest] = from.split('/');
  return inPackage(scope!, rest.join('/'));
}

export interface AssetSource {
  /** `<package>/<file>` in an installed package, or `./<file>` beside this module. */
  from: string;
  stem: string;
  ext: keyof typeof TYPES;
}

/** Reads one asset; throws `AssetMissingError` naming it when the file or its package is missing. */
export function readAsset({ from, stem, ext }: AssetSource): GraphiqlAsset {
  let body: Buffer;
  try {
    body = fs.readFileSync(locate(from));
  } catch {
    throw new AssetMissingError(from);
  }
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 16);
  let gzipped: Promise<Buffer> | undefined;
  return {
    name: `${stem}.${hash}.${ext}`,
    type: TYPES[ext],
    body,
    etag: `"${hash}"`,
    gzipped: () => {
      gzipped ??= gzip(body, { level: 9 });
      return gzipped;
    },
  };
}

/**
 * Reads every file the GraphiQL page needs from the installed `react`, `react-dom` and `graphiql`
 * packages (their browser builds) and from this folder, so the page loads nothing from another
 * origin. Throws `AssetMissingError` naming the first file that is missing.
 */
export function loadGraphiqlAssets(): GraphiqlAssets {
  return Object.fromEntries(
    Object.entries(SOURCES).map(([key, source]) => [key, readAsset(source)]),
  ) as unknown as GraphiqlAssets;
}
