import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorsPlugin } from '../../http/errors.js';
import { tempDir } from '../../testing/temp.js';
import { bundleState, STAMP_FILE, sourceHash, writeStamp } from './bundle-files.js';
import { CONSOLE_CSP, consoleRoutes } from './routes.js';

const temp = tempDir();
const dist = path.join(temp.dir, 'dist');
let app: FastifyInstance;

const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});\n`;
const page = (script: string) =>
  `<!doctype html><html lang="vi"><head><script type="module" src="./assets/${script}"></script></head><body><div id="root"></div></body></html>`;

/** A bundle as Vite writes it: the page and its hashed assets. */
function writeBundle(script: string, body = SCRIPT) {
  fs.mkdirSync(path.join(dist, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(dist, 'assets', script), body);
  fs.writeFileSync(path.join(dist, 'index.html'), page(script));
}

beforeAll(async () => {
  app = Fastify();
  await app.register(errorsPlugin);
  await app.register(consoleRoutes, { dist });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  temp.remove();
});

describe('the console served by the hub', () => {
  it('answers 503 naming the build command while the bundle is not built', async () => {
    for (const url of ['/console/', '/console/lineage', '/console/assets/index-abc.js']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(503);
      expect(res.json()).toEqual({
        code: 'HTTP_CONSOLE_NOT_BUILT',
        message: 'the inspector console is not built: run npm run build:console',
        details: { command: 'npm run build:console' },
      });
    }
    expect(bundleState(dist)).toBe('missing');
  });

  it('serves the page once built, without a restart, under a policy allowing only the hub', async () => {
    writeBundle('index-A1b2C3d4.js');
    const res = await app.inject({ url: '/console/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.body).toBe(page('index-A1b2C3d4.js'));
    for (const directive of CONSOLE_CSP.split('; ')) {
      const sources = directive.split(' ').slice(1);
      expect(
        sources.every((source) => source === "'self'" || source === "'none'"),
        directive,
      ).toBe(true);
    }
    expect(CONSOLE_CSP).toContain("default-src 'self'");
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).toContain("style-src 'self'");
  });

  it("answers the console's own routes with the page, and nothing deeper", async () => {
    for (const url of [
      '/console/access-log',
      '/console/lineage',
      '/console/service-index',
      '/console/quality',
    ]) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toBe(page('index-A1b2C3d4.js'));
      expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
    }
    for (const url of ['/console/a/b', '/console/assets', '/console/Lineage', '/console/..%2Fpackage.json']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toMatchObject({ code: 'HTTP_ROUTE_NOT_FOUND' });
    }
    const bare = await app.inject({ url: '/console' });
    expect(bare.statusCode).toBe(308);
    expect(bare.headers.location).toBe('console/');
  });

  it('serves hashed assets for a year, gzipped when accepted, 304 to a known tag, 404 otherwise', async () => {
    const url = '/console/assets/index-A1b2C3d4.js';
    const plain = await app.inject({ url });
    expect(plain.statusCode).toBe(200);
    expect(plain.body).toBe(SCRIPT);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(plain.headers.etag).toMatch(/^"[\w-]{16}"$/);

    const zipped = await app.inject({ url, headers: { 'accept-encoding': 'gzip' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(zipped.rawPayload).toString()).toBe(SCRIPT);

    const unchanged = await app.inject({ url, headers: { 'if-none-match': plain.headers.etag as string } });
    expect(unchanged.statusCode).toBe(304);
    expect(unchanged.body).toBe('');

    for (const missing of ['/console/assets/index-other.js', '/console/assets/..%2F..%2Findex.html']) {
      expect((await app.inject({ url: missing })).statusCode, missing).toBe(404);
    }
  });

  it('serves a new build as soon as it is written', async () => {
    fs.rmSync(dist, { recursive: true });
    writeBundle('index-NewBuild1.js', 'export {};\n');
    const res = await app.inject({ url: '/console/quality' });
    expect(res.body).toBe(page('index-NewBuild1.js'));
    expect((await app.inject({ url: '/console/assets/index-NewBuild1.js' })).body).toBe('export {};\n');
    expect((await app.inject({ url: '/console/assets/index-A1b2C3d4.js' })).statusCode).toBe(404);
  });

  it('tells a bundle built from the sources as they are from one built from others', () => {
    expect(sourceHash()).toMatch(/^[0-9a-f]{64}$/);
    expect(bundleState(dist)).toBe('stale');
    writeStamp(dist, new Date('2026-03-01T00:00:00Z'));
    expect(JSON.parse(fs.readFileSync(path.join(dist, STAMP_FILE), 'utf8'))).toEqual({
      sourceHash: sourceHash(),
      builtAt: '2026-03-01T00:00:00.000Z',
    });
    expect(bundleState(dist)).toBe('current');
    fs.writeFileSync(path.join(dist, STAMP_FILE), JSON.stringify({ sourceHash: '0'.repeat(64) }));
    expect(bundleState(dist)).toBe('stale');
  });
});
