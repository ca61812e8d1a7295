import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { RouteNotFoundError } from '../../kernel/errors/index.js';
import { pageSecurityHeaders, sendWebAsset } from '../../kernel/web-assets.js';
import { type GraphiqlAssets, loadGraphiqlAssets } from './assets.js';

/**
 * The page's policy: nothing from another origin, no inline or evaluated script. Inline styles are
 * allowed because GraphiQL and CodeMirror position their panes with `style` attributes; its fonts
 * and icons are `data:` URLs inside graphiql.min.css.
 */
export const GRAPHIQL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const ASSETS_PATH = 'graphiql/assets';

/** The page. Paths are relative to `/graphiql`, so the hub may sit behind a path prefix. */
function pageHtml(assets: GraphiqlAssets): string {
  const asset = (key: keyof GraphiqlAssets) => `${ASSETS_PATH}/${assets[key].name}`;
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
  <title>Lienthong hub · GraphiQL</title>
  <link rel="stylesheet" href="${asset('graphiqlCss')}">
  <link rel="stylesheet" href="${asset('pageCss')}">
</head>
<body>
  <header class="lt-bar">
    <h1>Lienthong hub <span>GraphQL API explorer</span></h1>
    <form id="lt-token-form" class="lt-form" autocomplete="off">
      <label for="lt-token">Access token</label>
      <input id="lt-token" type="password" autocomplete="off" spellcheck="false" placeholder="paste an agency's bearer token">
      <button type="submit">Use token</button>
      <button type="button" id="lt-token-clear">Clear</button>
    </form>
    <form id="lt-demo-form" class="lt-form" autocomplete="off" hidden>
      <label for="lt-demo-agency">Demo token</label>
      <select id="lt-demo-agency"></select>
      <input id="lt-demo-citizen" type="text" inputmode="numeric" autocomplete="off" spellcheck="false" placeholder="citizen ID (12 digits)" hidden>
      <button type="submit">Get demo token</button>
    </form>
    <output id="lt-status" role="status"></output>
  </header>
  <main id="graphiql"><p class="lt-loading">Loading GraphiQL…</p></main>
  <script src="${asset('react')}"></script>
  <script src="${asset('reactDom')}"></script>
  <script src="${asset('graphiql')}"></script>
  <script type="module" src="${asset('page')}"></script>
</body>
</html>
`;
}

/**
 * GraphiQL at `/graphiql`, served entirely by the hub: the page, React, ReactDOM, GraphiQL and the
 * page's own script come from installed packages (read at registration, which fails naming a
 * missing file), under content-hashed names cached for a year, gzipped for clients that accept it.
 * The page lets a user paste a token (kept in `sessionStorage`) or, where the demo helper is loaded,
 * pick a demo agency. Register it only outside production.
 */
export const graphiqlPlugin = fp(
  async (app: FastifyInstance) => {
    const assets = loadGraphiqlAssets();
    const byName = new Map(Object.values(assets).map((asset) => [asset.name, asset]));
    const html = pageHtml(assets);

    app.get('/graphiql', { logLevel: 'warn' }, async (_request, reply) => {
      pageSecurityHeaders(reply, GRAPHIQL_CSP)
        .header('cache-control', 'no-cache')
        .type('text/html; charset=utf-8');
      return html;
    });

    app.get<{ Params: { name: string } }>(
      `/${ASSETS_PATH}/:name`,
      { logLevel: 'warn' },
      async (request, reply) => {
        const asset = byName.get(request.params.name);
        if (!asset) throw new RouteNotFoundError('GET', request.url.split('?')[0]!);
        pageSecurityHeaders(reply, GRAPHIQL_CSP);
        const body = await sendWebAsset(request, reply, asset, 'public, max-age=31536000, immutable');
        return body ?? reply.send();
      },
    );
  },
  { name: 'graphiql', fastify: '5.x' },
);
