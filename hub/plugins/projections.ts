import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Logger } from 'pino';
import { Gauge } from 'prom-client';
import type { EventStore } from '../eventstore/index.js';

/** One projection as the runner reports it. */
export interface ProjectionState {
  name: string;
  /** Position of the last event applied (0 before the first). */
  checkpoint: number;
  /** Set when the projection stopped on an error it cannot get past. */
  error?: string;
}

/** What the service needs from the projection runner. */
export interface ProjectionRunnerPort {
  start(): Promise<void> | void;
  stop(): Promise<void>;
  status(): ProjectionState[] | Promise<ProjectionState[]>;
  /** Resolves once every projection has applied everything committed when it was called. */
  whenCaughtUp(): Promise<void>;
}

export type CreateRunner = (deps: {
  store: EventStore;
  db: Database.Database;
  logger: Logger;
}) => ProjectionRunnerPort;

declare module 'fastify' {
  interface FastifyInstance {
    projections: ProjectionRunnerPort;
  }
}

export interface ProjectionsOptions {
  /** SQLite file holding the read models and their checkpoints. */
  file: string;
  createRunner: CreateRunner;
}

function lagGauges(app: FastifyInstance, runner: ProjectionRunnerPort): void {
  const registers = [app.metrics.registry];
  new Gauge({
    name: 'lienthong_projection_checkpoint',
    help: 'Global position of the last event each projection applied.',
    labelNames: ['projection'] as const,
    registers,
    async collect() {
      this.reset();
      for (const state of await runner.status()) this.set({ projection: state.name }, state.checkpoint);
    },
  });
  new Gauge({
    name: 'lienthong_projection_lag_events',
    help: 'Positions committed to the store that a projection has not yet passed.',
    labelNames: ['projection'] as const,
    registers,
    async collect() {
      const [states, info] = await Promise.all([runner.status(), app.store.info()]);
      this.reset();
      for (const state of states) {
        this.set({ projection: state.name }, Math.max(0, info.lastPosition - state.checkpoint));
      }
    },
  });
}

/**
 * Keeps the read models up to date: opens `<dataDir>/readmodels.db`, starts the runner at boot and
 * stops it on close (before the store closes, since fastify runs onClose hooks in reverse order of
 * registration). Ready once the first catch-up is done and no projection has failed.
 */
export const projectionsPlugin = fp<ProjectionsOptions>(
  async (app: FastifyInstance, options) => {
    const logger = app.log.child({ module: 'projections' }) as Logger;
    fs.mkdirSync(path.dirname(options.file), { recursive: true });
    const db = new Database(options.file);
    db.pragma('journal_mode = WAL');

    const runner = options.createRunner({ store: app.store, db, logger });
    app.decorate('projections', runner);
    lagGauges(app, runner);

    let caughtUp = false;
    app.addHook('onReady', async () => {
      await runner.start();
      runner.whenCaughtUp().then(
        () => {
          caughtUp = true;
        },
        (error: unknown) => logger.error({ err: error }, 'projections failed to catch up'),
      );
    });

    app.readiness.add('projections', async () => {
      const states = await runner.status();
      const failed = states.filter((state) => state.error);
      const info = { projections: states.map(({ name, checkpoint }) => ({ name, checkpoint })) };
      if (failed.length > 0) {
        return { ok: false, reason: `failed: ${failed.map((state) => state.name).join(', ')}`, info };
      }
      return caughtUp ? { ok: true, info } : { ok: false, reason: 'catching up', info };
    });

    app.addHook('onClose', async () => {
      await runner.stop();
      db.close();
      logger.info('projections stopped');
    });
  },
  { name: 'projections', fastify: '5.x', dependencies: ['store', 'metrics', 'health'] },
);
