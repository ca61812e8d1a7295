import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { SyncResult } from '../../connectors/kit/sync.js';
import type { CheckResult } from '../../hub/http/health.js';
import { StoreClosedError } from '../../hub/kernel/errors/index.js';
import { syncDemoDossiers, syncDemoSources } from './connectors.js';
import type { DemoDataset } from './dataset.js';
import { demoDatasets, type SeedProgress, type SeedResult, seedDemoData } from './demo.js';
import { populationDataset } from './population.js';

/** What to write into a running hub (`buildApp`), and how the demo population arrives. */
export interface DemoSeedPlan {
  /** Default: every demo dataset but the population (`demoDatasets({ dataDir })`). */
  datasets?: (dataDir: string) => readonly DemoDataset[];
  /**
   * `connector` (default): the demo population and the other shared datasets arrive the way real
   * data does, each through its connector from a bundled SQLite copy of a ministry database, with
   * provenance on every record. `{ count }`: that many synthetic citizens, sealed and appended
   * directly, and no other dataset.
   */
  population?: 'connector' | { count: number };
  onProgress?: (progress: SeedProgress) => void;
  /** The demo certificate authority issuing the agencies' certificates (the hub's `exchange.caDir`). */
  exchangeCaDir?: string;
}

export interface DemoSeedResult extends SeedResult {
  /** Counts of the population-sql sync. */
  population?: SyncResult['counts'];
  /** Counts of every demo source's sync, by dataset (the population's included). */
  sources?: Record<string, SyncResult['counts']>;
  /** Counts of the one-stop system's sync (history rows into dossier events). */
  dossiers?: SyncResult['counts'];
}

/**
 * Writes the demo data into the app's store, sealed under its privacy handle. Idempotent
 * (deterministic event ids, expected revisions), so every start can run it. Throws what fails.
 */
export async function seedDemo(app: FastifyInstance, dataDir: string, plan: DemoSeedPlan = {}) {
  const log = app.log.child({ module: 'seed' }) as Logger;
  const { privacy } = app;
  const population = plan.population ?? 'connector';
  const datasets = [
    ...(plan.datasets?.(dataDir) ?? demoDatasets({ dataDir, exchangeCaDir: plan.exchangeCaDir })),
    ...(population === 'connector' ? [] : [populationDataset(privacy.sealing, { count: population.count })]),
  ];
  const result: DemoSeedResult = await seedDemoData({
    store: app.store,
    logger: app.log as Logger,
    datasets,
    onProgress: plan.onProgress,
  });
  if (population === 'connector') {
    const synced = await syncDemoSources({
      store: app.store,
      sealing: privacy.sealing,
      datasets: privacy.datasets,
      dataDir,
      logger: log,
    });
    result.population = synced.get('population')?.counts;
    result.sources = Object.fromEntries([...synced].map(([dataset, r]) => [dataset, r.counts]));
    const dossiers = await syncDemoDossiers({
      store: app.store,
      sealing: privacy.sealing,
      datasets: privacy.datasets,
      dataDir,
      logger: log,
    });
    result.dossiers = dossiers.counts;
  }
  return result;
}

/**
 * The server's demo step: seeds while the hub already answers, `/health/ready` reporting `seed`
 * until it is done, progress logged by quarter. A failure is logged and keeps the hub not ready; a
 * shutdown during seeding stops it quietly (the next start completes it).
 */
export function demoSeeder(
  app: FastifyInstance,
  dataDir: string,
  isClosing: () => boolean,
  plan: Pick<DemoSeedPlan, 'exchangeCaDir'> = {},
) {
  let state: CheckResult = { ok: false, reason: 'seeding demo data' };
  app.readiness.add('seed', () => state);
  const log = app.log.child({ module: 'seed' }) as Logger;
  const reported = new Map<string, number>();
  const onProgress = (p: SeedProgress) => {
    log.debug({ dataset: p.dataset, done: p.done, total: p.total }, 'seed progress');
    const quarter = p.total > 0 ? Math.floor((4 * p.done) / p.total) : 4;
    if (!p.skipped && quarter > (reported.get(p.dataset) ?? -1)) {
      reported.set(p.dataset, quarter);
      log.info(
        { dataset: p.dataset, done: p.done, total: p.total },
        `seeding ${p.dataset}: ${quarter * 25}%`,
      );
    }
  };
  return async (): Promise<void> => {
    try {
      const result = await seedDemo(app, dataDir, { ...plan, onProgress });
      state = { ok: true, info: { ...result } };
      log.info({ ...result }, 'demo data ready');
    } catch (error) {
      if (isClosing() && error instanceof StoreClosedError) {
        log.info('seeding stopped by shutdown; the next start completes it');
        return;
      }
      state = { ok: false, reason: 'seeding failed' };
      log.error({ err: error }, 'seeding demo data failed');
    }
  };
}
