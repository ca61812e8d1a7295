import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Logger } from 'pino';
import { Gauge } from 'prom-client';
import type { EventStore } from '../eventstore/index.js';
import type { ReadModelDb } from '../kernel/read-model.js';
import { openReadModelDb } from '../projections/db.js';

/** One projection as the runner reports it (the fields the service reads). */
export interface ProjectionReport {
  name: string;
  /** Position stored with the read model: every event up to it is applied. */
  checkpoint: number;
  /** Positions between the store's last event and what the projection has examined. */
  lag: number;
  state: 'catching-up' | 'live' | 'stopped' | 'failed';
  lastError: { code: string; message: string } | null;
}

/** What the service needs from the projection runner. */
export interface ProjectionRunnerPort {
  /** Starts catching up without waiting for it. */
  start(): Promise<void>;
  /** Stops after the batch in progress and saves checkpoints. */
  stop(): Promise<void>;
  status(): Promise<ProjectionReport[]>;
  /** Started, and no projection still catching up. */
  isCaughtUp(): boolean;
  /** Resolves once no projection is catching up (each is live, failed or stopped). */
  whenCaughtUp(): Promise<void>;
  /** Resolves once every running projection has examined the event at `position`. */
  waitForPosition(position: number): Promise<void>;
}

export type CreateRunner = (deps: {
  store: EventStore;
  db: ReadModelDb;
  logger: Logger;
}) => ProjectionRunnerPort;

declare module 'fastify' {
  interface FastifyInstance {
    projections: ProjectionRunnerPort;
    /**
     * The read-model connection the runner writes through. Readers in this process share it:
     * better-sqlite3 calls are synchronous, so a read never lands inside a runner transaction,
     * and a connection keeps its page cache across its own commits (another connection's commit
     * would flush it) and sees the runner's changes at once (see ReadModelChanges).
     */
    readModels: ReadModelDb;
  }
}

export interface ProjectionsOptions {
  /** SQLite file holding the read models and their checkpoints. */
  file: string;
  createRunner: CreateRunner;
}

function lagGauges(app: FastifyInstance, runner: ProjectionRunnerPort): void {
  const registers = [app.metrics.registry];
  const gauge = (name: string, help: string, value: (report: ProjectionReport) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['projection'] as const,
      registers,
      async collect() {
        const reports = await runner.status();
        this.reset();
        for (const report of reports) this.set({ projection: report.name }, value(report));
      },
    });
  gauge(
    'lienthong_projection_checkpoint',
    'Position up to which each read model is applied.',
    (r) => r.checkpoint,
  );
  gauge(
    'lienthong_projection_lag_events',
    "Positions between the store's last event and what each projection has examined.",
    (r) => r.lag,
  );
}

/**
 * Keeps the read models up to date: opens `<dataDir>/readmodels.db` (shared as `app.readModels`), starts the runner at boot and
 * stops it on close (before the store closes, since fastify runs onClose hooks in reverse order of
 * registration). Ready once no projection is catching up and none has failed.
 */
export const projectionsPlugin = fp<ProjectionsOptions>(
  async (app: FastifyInstance, options) => {
    const logger = app.log.child({ module: 'projections' }) as Logger;
    fs.mkdirSync(path.dirname(options.file), { recursive: true });
    const db = openReadModelDb(options.file);

    const runner = options.createRunner({ store: app.store, db, logger });
    app.decorate('projections', runner);
    app.decorate('readModels', db);
    lagGauges(app, runner);

    app.addHook('onReady', () => runner.start());

    app.readiness.add('projections', async () => {
      const reports = await runner.status();
      const failed = reports.filter((report) => report.state === 'failed');
      const info = {
        projections: reports.map(({ name, state, checkpoint, lag }) => ({ name, state, checkpoint, lag })),
      };
      if (failed.length > 0) {
        return { ok: false, reason: `failed: ${failed.map((report) => report.name).join(', ')}`, info };
      }
      return runner.isCaughtUp() ? { ok: true, info } : { ok: false, reason: 'catching up', info };
    });

    app.addHook('onClose', async () => {
      await runner.stop();
      db.close();
      logger.info('projections stopped');
    });
  },
  { name: 'projections', fastify: '5.x', dependencies: ['store', 'metrics', 'health'] },
);
