import type { Logger } from 'pino';
import type { SyncResult } from '../../connectors/kit/sync.js';
import { openConnector } from '../../connectors/runtime.js';
import type { EventStore } from '../../hub/kernel/event-store.js';
import { moduleLogger } from '../../hub/kernel/logger.js';
import type { DatasetDefinition, RecordSealing } from '../../hub/modules/records/index.js';
import { ensureDemoOneStop, ensureDemoSources, type SourceDataset } from '../sources/index.js';

export interface DemoSourcesOptions {
  /** Pass a validating store (`withValidation`). */
  store: EventStore;
  sealing: RecordSealing;
  datasets: Map<string, DatasetDefinition>;
  /** The hub's data directory: the demo sources go to `<dataDir>/sources/<dataset>.sqlite`. */
  dataDir: string;
  logger: Logger;
  /** Citizens the demo sources are drawn from (default the demo's 3,000); used only when a source is made. */
  citizens?: number;
}

/** The connector that feeds each demo source into its dataset: `connectors/<dataset>-sql`. */
export const demoConnector = (dataset: SourceDataset) => `${dataset}-sql`;

/**
 * Startup step of the embedded demo: creates the bundled SQLite ministry databases that are missing
 * (population, civil status, social insurance, judicial records, driving licences, business
 * registry, land parcels, all drawn from the same citizens) and syncs each through its connector, so
 * the demo holds real record events with provenance. Incremental and checkpointed: on later starts
 * each connector reads only what changed (nothing), besides the rows the look-back reads
 * again (`cursorLookback`), which append nothing. Returns each sync by dataset, in order.
 */
export async function syncDemoSources(options: DemoSourcesOptions): Promise<Map<SourceDataset, SyncResult>> {
  const sources = await ensureDemoSources(options.dataDir, { citizens: options.citizens });
  const sync = async (dataset: SourceDataset, file: string) =>
    [dataset, await syncSource(options, demoConnector(dataset), `sqlite:${file}`)] as const;
  // the population first (it creates most subject keys), then the others side by side: their
  // appends share the store's group commits
  const [population, ...others] = sources;
  const results = new Map<SourceDataset, SyncResult>([await sync(population!.dataset, population!.file)]);
  for (const [dataset, result] of await Promise.all(others.map((s) => sync(s.dataset, s.file)))) {
    results.set(dataset, result);
  }
  return results;
}

/**
 * Startup step of the embedded demo, after the ministry databases: creates the one-stop system's
 * database when it is missing (`<dataDir>/sources/one-stop.sqlite`, a few hundred dossiers of the
 * last months) and syncs it through `connectors/one-stop-sql`, so the dossiers and the service index
 * (766) hold figures of imported dossiers. Incremental like the others.
 */
export async function syncDemoDossiers(
  options: Omit<DemoSourcesOptions, 'citizens'> & { dossiers?: number },
): Promise<SyncResult> {
  const { file } = await ensureDemoOneStop(options.dataDir, { dossiers: options.dossiers });
  return syncSource(options, 'one-stop-sql', `sqlite:${file}`);
}

/**
 * One run of the connector `connectors/<name>` from the source at `url` (`sqlite:<file>`,
 * `postgres://…`, `mariadb://…`) into the hub, recorded in its run log; throws the run's error when
 * it fails (the failure is recorded too).
 */
export async function syncSource(
  options: Omit<DemoSourcesOptions, 'citizens'>,
  name: string,
  url: string,
): Promise<SyncResult> {
  const connector = openConnector({
    name,
    hub: { ...options, close: async () => undefined },
    logger: options.logger,
    set: [`url=${url}`],
  });
  const result = await connector.sync();
  moduleLogger(options.logger, 'seed').info(
    { connector: name, runId: result.runId, ...result.counts },
    'demo source synced',
  );
  return result;
}
