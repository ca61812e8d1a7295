import type { Logger } from 'pino';
import type { SyncResult } from '../../connectors/kit/sync.js';
import { openConnector } from '../../connectors/runtime.js';
import type { EventStore } from '../../hub/kernel/event-store.js';
import { moduleLogger } from '../../hub/kernel/logger.js';
import type { DatasetDefinition, RecordSealing } from '../../hub/modules/records/index.js';
import { ensureDemoSource } from '../sources/index.js';

export interface DemoSourcesOptions {
  /** Pass a validating store (`withValidation`). */
  store: EventStore;
  sealing: RecordSealing;
  datasets: Map<string, DatasetDefinition>;
  /** The hub's data directory: the demo source goes to `<dataDir>/sources/population.sqlite`. */
  dataDir: string;
  logger: Logger;
}

/**
 * Startup step of the embedded demo: creates the bundled SQLite population database when missing
 * and syncs it through the population-sql connector, so the demo holds real record events with
 * provenance. Incremental and checkpointed: on later starts it reads only what changed (nothing).
 */
export async function syncDemoSources(options: DemoSourcesOptions): Promise<SyncResult> {
  const { file } = await ensureDemoSource(options.dataDir);
  const connector = openConnector({
    name: 'population-sql',
    hub: { ...options, close: async () => undefined },
    logger: options.logger,
    set: [`url=sqlite:${file}`],
  });
  const result = await connector.sync();
  moduleLogger(options.logger, 'seed').info(
    { connector: 'population-sql', runId: result.runId, ...result.counts },
    'demo source synced',
  );
  return result;
}
