import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { openEventStore } from './eventstore/index.js';
import { StreamNotFoundError } from './kernel/errors/index.js';
import { appHarness, logCapture, testConfig, testEvent } from './testing/app.js';

const harness = appHarness();
afterEach(() => harness.cleanup());

function appWithRoutes(logs = logCapture()) {
  const app = harness.build({ LOG_LEVEL: 'info' }, { logStream: logs });
  app.get('/known', async () => {
    throw new StreamNotFoundError('dossier-42');
  });
  app.get('/bug', async () => {
    throw new Error('secret internals at /srv/app.ts:12');
  });
  app.post('/echo', async (request) => ({ received: request.body }));
  return app;
}

describe('index', () => {
  it('lists where to go', async () => {
    const response = await harness.build().inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      service: 'lienthong-hub',
      endpoints: {
        graphql: '/graphql',
        graphiql: '/graphiql',
        console: '/console/',
        jwks: '/.well-known/jwks.json',
        agencyJwks: '/agencies/{organCode}/jwks.json',
        live: '/health/live',
        ready: '/health/ready',
        metrics: '/metrics',
      },
    });
  });
});

describe('errors', () => {
  it('answers a HubError with its status, code, message and details', async () => {
    const response = await appWithRoutes().inject({ method: 'GET', url: '/known' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      code: 'EVENTSTORE_STREAM_NOT_FOUND',
      message: 'stream dossier-42 not found',
      details: { stream: 'dossier-42' },
    });
  });

  it('answers anything unexpected with 500 INTERNAL, no message and no stack, and logs it', async () => {
    const logs = logCapture();
    const response = await appWithRoutes(logs).inject({ method: 'GET', url: '/bug' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ code: 'INTERNAL', message: 'internal error' });
    expect(response.body).not.toContain('secret internals');
    expect(logs.lines().some((line) => line.level === 50 && line.msg === 'request failed')).toBe(true);
  });

  it('answers unknown routes and malformed requests with stable codes', async () => {
    const app = appWithRoutes();
    const missing = await app.inject({ method: 'GET', url: '/nowhere?x=1' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({
      code: 'HTTP_ROUTE_NOT_FOUND',
      details: { method: 'GET', path: '/nowhere' },
    });
    const badJson = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"oops"',
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json()).toMatchObject({ code: 'HTTP_BAD_REQUEST' });
  });
});

describe('request ids and logs', () => {
  it('echoes a safe incoming x-request-id and logs it with the request', async () => {
    const logs = logCapture();
    const response = await appWithRoutes(logs).inject({
      method: 'GET',
      url: '/known',
      headers: { 'x-request-id': 'desk-42.a:b' },
    });
    expect(response.headers['x-request-id']).toBe('desk-42.a:b');
    expect(logs.lines().some((line) => line.reqId === 'desk-42.a:b')).toBe(true);
  });

  it('replaces an unsafe or missing request id with a UUID', async () => {
    const app = appWithRoutes();
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const unsafe = await app.inject({
      method: 'GET',
      url: '/known',
      headers: { 'x-request-id': 'a b\u0000<script>' },
    });
    expect(unsafe.headers['x-request-id']).toMatch(uuid);
    const none = await app.inject({ method: 'GET', url: '/known' });
    expect(none.headers['x-request-id']).toMatch(uuid);
    expect(none.headers['x-request-id']).not.toBe(unsafe.headers['x-request-id']);
  });

  it('writes JSON lines without credentials, query strings or event payloads', async () => {
    const logs = logCapture();
    const app = appWithRoutes(logs);
    await app.inject({
      method: 'POST',
      url: '/echo?citizen=001099012345',
      headers: { authorization: 'Bearer eyJhbGciOi.secret', cookie: 'sid=abc123' },
      payload: { hello: 'world' },
    });
    app.log.info({ event: { type: 'CitizenRegistered', data: { personalId: '001099012345' } } }, 'appended');
    const text = JSON.stringify(logs.lines());
    expect(logs.lines().length).toBeGreaterThan(1);
    expect(text).toContain('/echo');
    expect(text).toContain('CitizenRegistered');
    for (const secret of ['001099012345', 'eyJhbGciOi', 'abc123']) expect(text).not.toContain(secret);
  });
});

describe('close', () => {
  it('finishes appends already accepted, then closes the store', async () => {
    const config = testConfig(harness.dataDir());
    const app = buildApp(config);
    await app.ready();
    const appends = Array.from({ length: 20 }, (_, i) =>
      app.store.append(`note-${i}`, [testEvent(i)], { expectedRevision: 'no_stream' }),
    );
    await app.close();
    const results = await Promise.allSettled(appends);
    expect(results.every((result) => result.status === 'fulfilled')).toBe(true);

    const reopened = await openEventStore(config.store, { logger: app.log.child({}) as never });
    try {
      expect((await reopened.readAll()).map((event) => event.stream).sort()).toEqual(
        Array.from({ length: 20 }, (_, i) => `note-${i}`).sort(),
      );
    } finally {
      await reopened.close();
    }
  });
});
