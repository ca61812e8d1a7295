import type { RecordedEvent } from '../../kernel/event-store.js';
import type { ProjectionDefinition } from '../../kernel/projection.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import { ERASURE_STREAM_CATEGORY } from '../../kernel/vocabulary.js';
import { ACCESS_STREAM_CATEGORY } from '../access/index.js';
import { CONSENT_STREAM_CATEGORY } from '../consent/index.js';
import { CONTRACT_STREAM_CATEGORY } from '../contracts/index.js';
import { DOCUMENT_STREAM_CATEGORY } from '../documents/index.js';
import { DOSSIER_STREAM_CATEGORY, eventTypes as dossierEventTypes } from '../dossiers/index.js';
import { EXCHANGE_STREAM_CATEGORY } from '../exchange/index.js';
import { STREAM_CATEGORY as RECORD_STREAM_CATEGORY } from '../records/index.js';
import { LineageWriter } from './apply.js';
import { TABLES } from './tables.js';

/** The event types the lineage read model follows, by the module that writes them. */
export const LINEAGE_EVENT_TYPES: readonly string[] = [
  // access: what was released, shown or sent, and on what basis
  'DataAccessed',
  'DataAccessedByOperator',
  'DocumentAccessed',
  // records and the connector runs that delivered them (connectors/, schemas/events/Connector*)
  'DatasetRecordUpserted',
  'DatasetRecordDeleted',
  'ConnectorRunStarted',
  'ConnectorRunCompleted',
  'ConnectorRunFailed',
  // the legal basis of a release
  'ConsentGranted',
  'ConsentWithdrawn',
  'ConsentExpired',
  'ContractRegistered',
  'ContractAmended',
  'ContractRevoked',
  // dossiers (every event: the node shows the latest step) and their documents
  ...dossierEventTypes,
  'DocumentDigitised',
  'ElectronicResultIssued',
  'DocumentReused',
  'DocumentRevoked',
  // documents exchanged between hubs (their trail is read from the exchange when asked)
  'ExchangeMessageAccepted',
  'SubjectErased',
];

/**
 * Read model `lineage`: one row per release, record event, connector run, consent, contract
 * version, dossier, dossier component and document, each naming the rows it came from, with the
 * indexes a walk takes one step at a time (a citizen's field → its releases, a release → its record
 * events, a dossier → its reads and components …). Only pseudonyms, codes, ids and times: no
 * personal value is kept, so an erasure (`SubjectErased`) only marks the subject erased.
 */
export const lineageProjection: ProjectionDefinition = {
  name: 'lineage',
  version: 1,
  description: 'Where every released value, dossier component and document came from (lineage walks)',
  filter: {
    streamPrefixes: [
      `${ACCESS_STREAM_CATEGORY}-`,
      `${RECORD_STREAM_CATEGORY}-`,
      'connector-',
      `${CONSENT_STREAM_CATEGORY}-`,
      `${CONTRACT_STREAM_CATEGORY}-`,
      `${DOSSIER_STREAM_CATEGORY}-`,
      `${DOCUMENT_STREAM_CATEGORY}-`,
      `${EXCHANGE_STREAM_CATEGORY}-`,
      `${ERASURE_STREAM_CATEGORY}-`,
    ],
    eventTypes: LINEAGE_EVENT_TYPES,
  },
  open(db: ReadModelDb) {
    openLineageTables(db);
    const writer = new LineageWriter(db);
    return {
      apply: (event: RecordedEvent) => writer.apply(event),
      reset() {
        for (const table of Object.keys(TABLES)) db.exec(`DELETE FROM ${table}`);
      },
    };
  },
};

/** Creates the lineage tables and indexes when missing (readers call it too, before the runner may have). */
export function openLineageTables(db: ReadModelDb): void {
  db.exec(Object.values(TABLES).join('\n'));
}
