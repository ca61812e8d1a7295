import path from 'node:path';
import type { Logger } from 'pino';
import { withValidation } from '../../hub/events/validating-store.js';
import { createEventValidator } from '../../hub/events/validator.js';
import { openSqliteEventStore } from '../../hub/eventstore/sqlite.js';
import type { EventStore } from '../../hub/kernel/event-store.js';
import {
  type DatasetDefinition,
  loadDatasets,
  type RecordSealing,
  sealingFor,
} from '../../hub/modules/records/index.js';
import { loadSecrets } from '../../hub/privacy/secrets.js';

/** What a connector writes to: the event store (validating), record sealing and dataset definitions. */
export interface ConnectorHub {
  store: EventStore;
  sealing: RecordSealing;
  datasets: Map<string, DatasetDefinition>;
  dataDir: string;
  close(): Promise<void>;
}

export const hubFiles = (dataDir: string) => ({
  events: path.join(dataDir, 'events.db'),
  keys: path.join(dataDir, 'keys.db'),
});

/** Files a connector keeps next to the hub's: its record index and its run lock. */
export const connectorPaths = (dataDir: string, connector: string) => ({
  index: path.join(dataDir, 'connectors', `${connector}.db`),
  lock: path.join(dataDir, 'connectors', `${connector}.lock`),
});

/** Opens the embedded hub in `dataDir` (events.db, keys.db, secrets.json) for command-line use. */
export async function openEmbeddedHub(options: {
  dataDir: string;
  logger: Logger;
  env?: Record<string, string | undefined>;
}): Promise<ConnectorHub> {
  const env = options.env ?? process.env;
  const files = hubFiles(options.dataDir);
  const secrets = loadSecrets({ env, dataDir: options.dataDir, production: env.NODE_ENV === 'production' });
  const raw = await openSqliteEventStore({ file: files.events, logger: options.logger });
  const sealing = sealingFor(secrets, files.keys);
  return {
    store: withValidation(raw, createEventValidator()),
    sealing,
    datasets: loadDatasets(),
    dataDir: options.dataDir,
    async close() {
      await raw.close();
      sealing.keys.close();
    },
  };
}
