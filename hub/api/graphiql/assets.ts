import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetMissingError } from '../../kernel/errors/index.js';
import { contentHash, WEB_MEDIA_TYPES, type WebAsset, webAsset } from '../../kernel/web-assets.js';

const require = createRequire(import.meta.url);

/** One file the GraphiQL page loads, held in memory under a content-hashed name. */
export interface GraphiqlAsset extends WebAsset {
  /** File name under `/graphiql/assets/`, e.g. `graphiql.k3J….js`: changes whenever the content does. */
  readonly name: string;
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

function locate(from: string): string {
  if (from.startsWith('./')) return beside(from);
  const [scope, ...rest] = from.split('/');
  return inPackage(scope!, rest.join('/'));
}

export interface AssetSource {
  /** `<package>/<file>` in an installed package, or `./<file>` beside this module. */
  from: string;
  stem: string;
  ext: 'js' | 'css';
}

/** Reads one asset; throws `AssetMissingError` naming it when the file or its package is missing. */
export function readAsset({ from, stem, ext }: AssetSource): GraphiqlAsset {
  let body: Buffer;
  try {
    body = fs.readFileSync(locate(from));
  } catch {
    throw new AssetMissingError(from);
  }
  return { name: `${stem}.${contentHash(body)}.${ext}`, ...webAsset(WEB_MEDIA_TYPES[ext]!, body) };
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
