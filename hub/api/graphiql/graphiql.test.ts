import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import zlib from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorsPlugin } from '../../http/errors.js';
import { AssetMissingError } from '../../kernel/errors/index.js';
import { readAsset } from './assets.js';
import { GRAPHIQL_CSP, graphiqlPlugin } from './plugin.js';

const require = createRequire(import.meta.url);
const packageFile = (pkg: string, file: string) =>
  fs.readFileSync(path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file));

let app: FastifyInstance;
let html: string;
beforeAll(async () => {
  app = Fastify();
  await app.register(errorsPlugin);
  await app.register(graphiqlPlugin);
  await app.ready();
  html = (await app.inject({ url: '/graphiql' })).body;
});
afterAll(async () => app?.close());

const scripts = () => [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
const assetUrls = () => [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);

describe('the GraphiQL page', () => {
  it('is served with a strict content security policy, a title and a header naming the hub', async () => {
    const res = await app.inject({ url: '/graphiql' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(GRAPHIQL_CSP);
    expect(GRAPHIQL_CSP).toContain("default-src 'self'");
    expect(GRAPHIQL_CSP).toContain("script-src 'self';");
    expect(GRAPHIQL_CSP).not.toMatch(/unsafe-eval|https?:|\*/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(html).toContain('<title>Lienthong hub · GraphiQL</title>');
    expect(html).toMatch(/<h1>Lienthong hub/);
    expect(html).toContain('id="lt-token"');
  });

  it('loads nothing from another origin and has no inline script', () => {
    expect(html).not.toMatch(/https?:\/\//);
    const urls = assetUrls();
    expect(urls).toHaveLength(6);
    for (const url of urls) expect(url).toMatch(/^graphiql\/assets\/[a-z-]+\.[\w-]{16}\.(js|css)$/);
    expect(scripts()).toHaveLength(4);
    for (const [, attributes, body] of scripts()) {
      expect(attributes).toMatch(/ src="/);
      expect(body).toBe('');
    }
  });

  it('serves the installed React, ReactDOM and GraphiQL builds, cached for a year under content-hashed names', async () => {
    const expected = new Map([
      ['react', packageFile('react', 'umd/react.production.min.js')],
      ['react-dom', packageFile('react-dom', 'umd/react-dom.production.min.js')],
      ['graphiql.js', packageFile('graphiql', 'graphiql.min.js')],
      ['graphiql.css', packageFile('graphiql', 'graphiql.min.css')],
    ]);
    const urls = assetUrls();
    for (const [name, content] of expected) {
      const [stem, ext = 'js'] = name.split('.');
      const url = urls.find((u) => u.startsWith(`graphiql/assets/${stem}.`) && u.endsWith(`.${ext}`))!;
      const res = await app.inject({ url: `/${url}` });
      expect(res.statusCode).toBe(200);
      expect(res.rawPayload.equals(content)).toBe(true);
      expect(res.headers['content-type']).toMatch(ext === 'js' ? /^text\/javascript/ : /^text\/css/);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.headers.etag).toMatch(/^"[\w-]{16}"$/);
    }
  });

  it('answers 304 to a known entity tag and gzips for clients that accept it', async () => {
    const url = `/${assetUrls().find((u) => u.includes('/graphiql.') && u.endsWith('.js'))!}`;
    const plain = await app.inject({ url });
    expect(plain.headers['content-encoding']).toBeUndefined();

    const unchanged = await app.inject({ url, headers: { 'if-none-match': `"x", ${plain.headers.etag}` } });
    expect(unchanged.statusCode).toBe(304);
    expect(unchanged.body).toBe('');

    const zipped = await app.inject({ url, headers: { 'accept-encoding': 'br;q=1, gzip;q=0.8' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('accept-encoding');
    expect(zlib.gunzipSync(zipped.rawPayload).equals(plain.rawPayload)).toBe(true);
    expect(zipped.rawPayload.length).toBeLessThan(plain.rawPayload.length / 3);

    const refused = await app.inject({ url, headers: { 'accept-encoding': 'gzip;q=0, *' } });
    expect(refused.headers['content-encoding']).toBeUndefined();
  });

  it('answers 404 HTTP_ROUTE_NOT_FOUND for any other asset name', async () => {
    for (const url of ['/graphiql/assets/graphiql.min.js', '/graphiql/assets/..%2F..%2Fpackage.json']) {
      const res = await app.inject({ url });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'HTTP_ROUTE_NOT_FOUND' });
    }
  });

  it('fails at registration, naming the file, when an asset is missing', () => {
    for (const from of ['graphiql/graphiql.max.js', 'no-such-package/x.js', './no-such-page.js']) {
      const attempt = () => readAsset({ from, stem: 'x', ext: 'js' });
      expect(attempt).toThrow(AssetMissingError);
      expect(attempt).toThrow(`${from} is missing`);
    }
  });
});
