import type { Logger } from 'pino';
import type { EventValidator } from '../../events/validator.js';
import type { Clock } from '../../kernel/clock.js';
import type { EventStore } from '../../kernel/event-store.js';
import type { IdSource } from '../../kernel/ids.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import type { SubjectKeyStore } from '../../privacy/key-store.js';
import type { BlobStore } from './blob-store.js';
import type { IntegrityObserver } from './content.js';
import type { ActingOfficial } from './events.js';

export interface DocumentServiceDeps {
  store: EventStore;
  /** The read-model connection (the `documents` and `agencies` read models). */
  readModels: ReadModelDb;
  blobs: BlobStore;
  keys: SubjectKeyStore;
  /** The event schemas the store validates with: input limits are read from them. */
  eventSchemas: EventValidator;
  logger: Logger;
  clock?: Clock;
  ids?: IdSource;
  /** Largest document accepted. Default 20 MiB. */
  maxBytes?: number;
  onIntegrityFailure?: IntegrityObserver;
}

/** Who acts: an agency's official (for a citizen's own upload, the portal's). */
export interface DocumentActor extends ActingOfficial {
  /** Correlates the events of one request (default: the document id). */
  correlationId?: string;
}

export interface DigitiseInput {
  subject: string;
  dossier: string;
  componentCode: string;
  content: Uint8Array;
  /** A `Content-Type` value; parameters are dropped. */
  mediaType: string;
  /** Default 1. */
  pages?: number;
  certifiedCopy?: boolean;
  /** When the paper is an earlier result of a procedure. */
  resultType?: string | null;
}

export interface ResultInput {
  /** The compact JWS the issuing agency signed (`result-signature.ts`). */
  signature: string;
  content: Uint8Array;
  mediaType: string;
  pages?: number;
}
