import { afterEach, describe, expect, it } from 'vitest';
import { openEventStore } from '../eventstore/index.js';
import { StoreUnavailableError } from '../kernel/errors/index.js';
import type { ProjectionDefinition } from '../kernel/projection.js';
import { appHarness, testEvent } from '../testing/app.js';
import type { ProjectionRunnerPort } from './projections.js';

const harness = appHarness();
afterEach(() => harness.cleanup());

/** A runner held in the middle of its first catch-up (the real one gets through an empty store at once). */
const catchingUp = (): ProjectionRunnerPort => ({
  start: async () => {},
  stop: async () => {},
  status: async () => [{ name: 'dossiers', checkpoint: 3, lag: 40, state: 'catching-up', lastError: null }],
  isCaughtUp: () => false,
  whenCaughtUp: () => new Promise(() => {}),
  waitForPosition: () => new Promise(() => {}),
});

const broken: ProjectionDefinition = {
  name: 'broken',
  version: 1,
  description: 'fails on every event',
  open: () => ({
    apply() {
      throw new Error('bad row');
    },
    reset() {},
  }),
};

describe('health', () => {
  it('is live and ready once the store answers and projections have caught up', async () => {
    const app = harness.build();
    const live = await app.inject({ method: 'GET', url: '/health/live' });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'live' });

    await app.projections.whenCaughtUp();
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'ready',
      checks: {
        store: { ok: true, info: { backend: 'sqlite' } },
        projections: {
          ok: true,
          info: {
            projections: expect.arrayContaining([
              expect.objectContaining({ name: 'stream-catalog', state: 'live' }),
            ]),
          },
        },
      },
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
      failed: ['store', 'projections'],
      checks: {
        store: { ok: false, reason: 'connection refused' },
        projections: { ok: false, reason: 'connection refused' },
      },
    });
    expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
  });

  it('is not ready while projections catch up', async () => {
    const app = harness.build({}, { createRunner: catchingUp });
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({
      failed: ['projections'],
      checks: { projections: { ok: false, reason: 'catching up', info: { projections: [{ lag: 40 }] } } },
    });
  });

  it('is not ready, naming the projection, when a projection has failed', async () => {
    const app = harness.build({}, { projections: [broken] });
    await app.ready();
    const { position } = await app.store.append('note-1', [testEvent(1)], { expectedRevision: 'no_stream' });
    await app.projections.waitForPosition(position);
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({
      failed: ['projections'],
      checks: {
        projections: { ok: false, reason: 'failed: broken', info: { projections: [{ state: 'failed' }] } },
      },
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
