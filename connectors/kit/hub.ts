import path from 'node:path';
import type { Logger } from 'pino';
import { withValidation } from '../../hub/events/validating-store.js';
import { createEventValidator } from '../../hub/events/validator.js';
import { openEventStore } from '../../hub/eventstore/index.js';
import type { Config } from '../../hub/kernel/config.js';
import type { EventStore } from '../../hub/kernel/event-store.js';
import {
  type DatasetDefinition,
  loadDatasets,
  type RecordSealing,
  sealingFor,
} from '../../hub/modules/records/index.js';

/** What a connector writes to: the event store (validating), record sealing and dataset definitions. */
export interface ConnectorHub {
  store: EventStore;
  sealing: RecordSealing;
  datasets: Map<string, DatasetDefinition>;
  dataDir: string;
  close(): Promise<void>;
}

/** Files a connector keeps next to the hub's: its record index and its run lock. */
export const connectorPaths = (dataDir: string, connector: string) => ({
  index: path.join(dataDir, 'connectors', `${connector}.db`),
  lock: path.join(dataDir, 'connectors', `${connector}.lock`),
});

/**
 * Opens the hub the configuration names for command-line use: its event store (`config.store`:
 * the embedded file or KurrentDB), the subject key store `<dataDir>/keys.db` under the configured
 * secrets, and the dataset definitions.
 */
export async function openHub(options: { config: Config; logger: Logger }): Promise<ConnectorHub> {
  const { config, logger } = options;
  const raw = await openEventStore(config.store, { logger });
  let sealing: RecordSealing;
  try {
    sealing = sealingFor(config.secrets, path.join(config.dataDir, 'keys.db'));
  } catch (error) {
    await raw.close();
    throw error;
  }
  return {
    store: withValidation(raw, createEventValidator()),
    sealing,
    datasets: loadDatasets(),
    dataDir: config.dataDir,
    async close() {
      await raw.close();
      sealing.keys.close();
    },
  };
}
