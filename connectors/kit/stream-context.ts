import type { Logger } from 'pino';
import type { EventStore } from '../../hub/kernel/event-store.js';
import type { DatasetDefinition, RecordSealing } from '../../hub/modules/records/index.js';
import type { ConflictBook } from './conflicts.js';
import type { RowMapper } from './mapping.js';
import type { RecordIndex } from './record-index.js';

/** Everything constant while one stream of one run is synced. */
export interface StreamContext {
  connector: string;
  runId: string;
  startedEventId: string;
  system: string;
  table: string;
  primaryKey: string;
  cursorField?: string;
  def: DatasetDefinition;
  mapper: RowMapper;
  softDelete?: { column: string; deleted: Set<string> };
  /** Turns a personal primary-key value into a keyed hash for the dead-letter stream. */
  deadLetterKey: (value: string) => string;
  store: EventStore;
  sealing: RecordSealing;
  index: RecordIndex;
  /** The connector's identity conflicts (read at the start of the run, kept current by it). */
  conflicts: ConflictBook;
  log: Logger;
  now: () => Date;
}
