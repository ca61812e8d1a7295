import { afterEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../errors.js';
import { openEventStore } from '../eventstore/index.js';
import type { ProjectionReport, ProjectionRunnerPort } from './projections.js';
import { appHarness } from './testing.js';

const harness = appHarness();
afterEach(() => harness.cleanup());

function runner(report: Partial<ProjectionReport>, caughtUp: boolean): ProjectionRunnerPort {
  return {
    start: async () => {},
    stop: async () => {},
    status: async () => [
      { name: 'dossiers', checkpoint: 3, lag: 0, state: 'live', lastError: null, ...report },
    ],
    isCaughtUp: () => caughtUp,
  };
}

describe('health', () => {
  it('is live and ready once the store answers and projections have caught up', async () => {
    const app = harness.build();
    const live = await app.inject({ method: 'GET', url: '/health/live' });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'live' });

    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'ready',
      checks: { store: { ok: true, info: { backend: 'sqlite' } }, projections: { ok: true } },
    });
  });

  it('is not ready, naming the store, when the store does not answer', async () => {
    const app = harness.build(
      {},
      {
        openStore: async (config, options) => {
          const store = await openEventStore(config, options);
          return Object.assign(Object.create(store), {
            info: async () => {
              throw new StoreUnavailableError('connection refused');
            },
            close: () => store.close(),
          });
        },
      },
    );
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({
      status: 'not_ready',
      failed: ['store'],
      checks: { store: { ok: false, reason: 'connection refused' }, projections: { ok: true } },
    });
    expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
  });

  it('is not ready while projections catch up, and names a failed projection', async () => {
    const catchingUp = harness.build(
      {},
      {
        createRunner: () => runner({ state: 'catching-up', lag: 40 }, false),
      },
    );
    const failed = harness.build(
      {},
      {
        createRunner: () =>
          runner({ state: 'failed', lastError: { code: 'PROJECTION_FAILED', message: 'bad row' } }, true),
      },
    );
    const first = await catchingUp.inject({ method: 'GET', url: '/health/ready' });
    expect(first.statusCode).toBe(503);
    expect(first.json()).toMatchObject({
      failed: ['projections'],
      checks: { projections: { reason: 'catching up' } },
    });
    const second = await failed.inject({ method: 'GET', url: '/health/ready' });
    expect(second.statusCode).toBe(503);
    expect(second.json()).toMatchObject({
      checks: { projections: { ok: false, reason: 'failed: dossiers' } },
    });
  });

  it('counts a check that hangs as failed', async () => {
    const app = harness.build({}, { readinessTimeoutMs: 50 });
    await app.ready();
    app.readiness.add('slow', () => new Promise(() => {}));
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({
      failed: ['slow'],
      checks: { slow: { reason: 'no answer within 50 ms' } },
    });
  });
});
