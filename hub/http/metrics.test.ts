import net from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../kernel/config.js';
import { EventValidationError, WrongExpectedRevisionError } from '../kernel/errors/index.js';
import { appHarness, testEvent } from '../testing/app.js';
import { AGENCIES, startTestHub } from '../testing/hub.js';
import { productionSecrets } from '../testing/secrets.js';
import { freePort } from '../testing/server.js';
import { errorsPlugin } from './errors.js';
import { metricsPlugin } from './metrics.js';

const harness = appHarness();
const bare: FastifyInstance[] = [];
afterEach(async () => {
  await harness.cleanup();
  await Promise.all(bare.splice(0).map((app) => app.close()));
});

const TOKEN = 'b2f1c0d7e3a94c5b8e6f7a1d2c3b4a5f6e7d8c9b0a1f2e3d';

/** The metrics plugin alone, configured the way `loadConfig` reads the given environment. */
async function metricsApp(env: Record<string, string>): Promise<FastifyInstance> {
  const app = Fastify();
  bare.push(app);
  await app.register(errorsPlugin);
  await app.register(metricsPlugin, { config: loadConfig({ ...productionSecrets(), ...env }).metrics });
  return app;
}

async function scrape(app: FastifyInstance): Promise<string> {
  const response = await app.inject({ method: 'GET', url: '/metrics' });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toContain('text/plain');
  return response.body;
}

function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('metrics', () => {
  it('exports process metrics and HTTP durations by route pattern, method and status', async () => {
    const app = harness.build();
    await app.inject({ method: 'GET', url: '/health/live' });
    await app.inject({ method: 'GET', url: '/dossier/zq9citizen?id=zq9query' });
    const text = await scrape(app);
    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(text).toMatch(
      /lienthong_http_request_duration_seconds_count\{route="\/health\/live",method="GET",status_code="200"\} 1/,
    );
    expect(text).toMatch(
      /lienthong_http_request_duration_seconds_count\{route="unmatched",method="GET",status_code="404"\} 1/,
    );
    expect(text).not.toContain('zq9');
  });

  it('counts event store commits, appends, events and failures by code', async () => {
    const app = harness.build();
    await app.ready();
    await app.store.append('note-1', [testEvent(1), testEvent(2)], { expectedRevision: 'no_stream' });
    await app.store.append('note-1', [testEvent(3)], { expectedRevision: 1 });
    await expect(
      app.store.append('note-1', [testEvent(4)], { expectedRevision: 'no_stream' }),
    ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    const invalid = { ...testEvent(5), data: { dataset: 'Not Kebab' } };
    await expect(
      app.store.append('note-2', [invalid], { expectedRevision: 'no_stream' }),
    ).rejects.toBeInstanceOf(EventValidationError);

    const text = await scrape(app);
    expect(sample(text, 'lienthong_eventstore_appends_total')).toBe(3);
    expect(sample(text, 'lienthong_eventstore_events_appended_total')).toBe(3);
    expect(sample(text, 'lienthong_eventstore_commits_total')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'lienthong_eventstore_commit_duration_seconds_count')).toBe(
      sample(text, 'lienthong_eventstore_commits_total'),
    );
    expect(text).toContain(
      'lienthong_eventstore_append_failures_total{code="EVENTSTORE_WRONG_EXPECTED_REVISION"} 1',
    );
    expect(text).toContain('lienthong_eventstore_append_failures_total{code="EVENT_INVALID"} 1');
  });

  it('reports each projection checkpoint and lag', async () => {
    const app = harness.build();
    await app.ready();
    const { position } = await app.store.append('note-1', [testEvent(1), testEvent(2), testEvent(3)], {
      expectedRevision: 'no_stream',
    });
    await app.projections.waitForPosition(position);
    const text = await scrape(app);
    expect(text).toContain(`lienthong_projection_checkpoint{projection="stream-catalog"} ${position}`);
    expect(text).toContain('lienthong_projection_lag_events{projection="stream-catalog"} 0');
    expect(text).toMatch(/lienthong_projection_lag_events\{projection="admin-units"\} 0/);
  });

  it('keeps each app its own registry', async () => {
    const first = harness.build();
    const second = harness.build();
    await first.inject({ method: 'GET', url: '/health/live' });
    const text = await scrape(second);
    expect(text).not.toContain('route="/health/live"');
  });

  it('in production serves /metrics only on a port of its own, and closes it with the app', async () => {
    const port = await freePort();
    const app = await metricsApp({ NODE_ENV: 'production', LIENTHONG_METRICS_PORT: String(port) });
    const onApiPort = await app.inject({ method: 'GET', url: '/metrics' });
    expect(onApiPort.statusCode).toBe(404);
    expect(onApiPort.json()).toMatchObject({ code: 'HTTP_ROUTE_NOT_FOUND' });

    const url = await app.metrics.listen();
    expect(url).toBe(`http://127.0.0.1:${port}/metrics`);
    const scraped = await fetch(url!);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect((await fetch(`http://127.0.0.1:${port}/graphql`)).status).toBe(404);

    await app.close();
    await expect(fetch(url!)).rejects.toThrow();
    // Once the app is closing, nothing starts listening any more.
    expect(await app.metrics.listen()).toBeUndefined();
    await expect(fetch(url!)).rejects.toThrow();
  });

  it('in production on the API port answers only with the operator token', async () => {
    const app = await metricsApp({
      NODE_ENV: 'production',
      LIENTHONG_METRICS_PORT: '0',
      LIENTHONG_METRICS_TOKEN: TOKEN,
    });
    expect(await app.metrics.listen()).toBeUndefined();
    const without = await app.inject({ method: 'GET', url: '/metrics' });
    expect(without.statusCode).toBe(401);
    expect(without.json()).toMatchObject({ code: 'AUTH_UNAUTHENTICATED' });
    expect(without.headers['www-authenticate']).toMatch(/^Bearer /);
    for (const authorization of [
      `Bearer ${TOKEN.slice(0, -1)}x`,
      `Bearer ${TOKEN}x`,
      TOKEN,
      `Basic ${TOKEN}`,
    ]) {
      const refused = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization } });
      expect(refused.statusCode).toBe(401);
      expect(refused.body).not.toContain(TOKEN);
    }
    const scraped = await app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(scraped.statusCode).toBe(200);
    expect(scraped.body).toContain('# TYPE process_cpu_user_seconds_total counter');
  });

  it('asks for the token on a port of its own too, when one is set', async () => {
    const port = await freePort();
    const app = await metricsApp({ LIENTHONG_METRICS_PORT: String(port), LIENTHONG_METRICS_TOKEN: TOKEN });
    const url = (await app.metrics.listen())!;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it('names the metrics port when it is taken', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as net.AddressInfo;
    try {
      const app = await metricsApp({ NODE_ENV: 'production', LIENTHONG_METRICS_PORT: String(port) });
      await expect(app.metrics.listen()).rejects.toThrow(
        `LIENTHONG_METRICS_PORT: ${port} is already in use on 127.0.0.1`,
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('in development stays on the API port, open, and the hub lists it', async () => {
    const app = await metricsApp({ NODE_ENV: 'development' });
    expect(await app.metrics.listen()).toBeUndefined();
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    const hub = harness.build();
    expect((await hub.inject({ method: 'GET', url: '/' })).json().endpoints.metrics).toBe('/metrics');
  });

  it('the hub stops listing /metrics once it has a port of its own', async () => {
    const hub = harness.build({ LIENTHONG_METRICS_PORT: String(await freePort()) });
    expect((await hub.inject({ method: 'GET', url: '/' })).json().endpoints).not.toHaveProperty('metrics');
    expect((await hub.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
  });
});

describe('metrics on the API port of the hub (buildApp), behind the operator token', () => {
  it('takes the operator token on /metrics while /graphql still requires an agency token', async () => {
    const hub = await startTestHub({
      production: true,
      citizens: 1,
      env: { LIENTHONG_METRICS_PORT: '0', LIENTHONG_METRICS_TOKEN: TOKEN },
    });
    try {
      const get = (authorization?: string) =>
        hub.app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
      const scraped = await get(`Bearer ${TOKEN}`);
      expect(scraped.statusCode).toBe(200);
      expect(scraped.body).toContain('# TYPE process_cpu_user_seconds_total counter');
      for (const refused of [await get(), await get(`Bearer ${TOKEN}x`)]) {
        expect(refused.statusCode).toBe(401);
        expect(refused.json()).toMatchObject({ code: 'AUTH_UNAUTHENTICATED' });
        expect(refused.body).not.toContain('expected Authorization');
      }
      // an agency token is no operator token
      expect((await get(`Bearer ${await hub.token(AGENCIES.hanoi, 'consumer')}`)).statusCode).toBe(401);

      const query = '{ myContracts(dataset: "population") { id } }';
      expect((await hub.gql(null, query)).status).toBe(401);
      expect((await hub.gql(TOKEN, query)).status).toBe(401);
      const agency = await hub.gql(await hub.token(AGENCIES.hanoi, 'consumer'), query);
      expect(agency.status).toBe(200);
      expect(agency.errors).toBeUndefined();
    } finally {
      await hub.close();
    }
  }, 60_000);
});
