import type { Logger } from 'pino';
import { v5 as uuidv5 } from 'uuid';
import { type Clock, systemClock } from '../../kernel/clock.js';
import {
  ApiBadInputError,
  EventIdConflictError,
  WrongExpectedRevisionError,
} from '../../kernel/errors/index.js';
import type { Actor, EventStore } from '../../kernel/event-store.js';
import { moduleLogger } from '../../kernel/logger.js';
import { buildMetadata } from '../../kernel/metadata.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import type { SubjectKeyStore } from '../../privacy/key-store.js';
import type { Pseudonymizer } from '../../privacy/pseudonym.js';
import { ReadModelChanges } from '../../projections/changes.js';
import { ConsentReadModel } from '../consent/index.js';
import { eraseSubjectRecords, recordsProjection } from '../records/index.js';
import { ERASURE_NAMESPACE, erasureStream, type SubjectErased } from './events.js';

export interface EraseDeps {
  store: EventStore;
  readModels: ReadModelDb;
  keys: SubjectKeyStore;
  pseudonymize: Pseudonymizer;
  actor: Actor;
  logger: Logger;
  /** When the erasure is recorded. Default the system clock. */
  clock?: Clock;
}

export interface ErasureResult {
  subject: string;
  keyDeleted: boolean;
  dropped: { records: number; consents: number };
  /** False when the subject had already been erased (nothing new was appended). */
  recorded: boolean;
}

/**
 * Erases a citizen (crypto-shredding): deletes their key, drops their read-model rows (securely,
 * then folds and truncates the WALs so no old page survives), and appends SubjectErased naming
 * only the pseudonym. Events stay in the log, sealed under a key that no longer exists, so the
 * log still verifies and replays. Idempotent.
 */
export async function eraseSubject(deps: EraseDeps, personalId: string): Promise<ErasureResult> {
  if (!/^[0-9]{12}$/.test(personalId))
    throw new ApiBadInputError('personalId must be 12 digits', { field: 'personalId' });
  const subject = deps.pseudonymize('citizen', personalId);
  const keyDeleted = deps.keys.erase(subject);

  const db = deps.readModels;
  db.pragma('secure_delete = ON');
  recordsProjection.open(db);
  const consents = new ConsentReadModel(db);
  const dropped = db.transaction(() => ({
    records: eraseSubjectRecords(db, subject),
    consents: consents.eraseSubject(subject),
  }))();
  ReadModelChanges.of(db).bump(recordsProjection.name);
  db.pragma('wal_checkpoint(TRUNCATE)');

  const erasedAt = (deps.clock ?? systemClock)().toISOString();
  const event: SubjectErased = {
    id: uuidv5(subject, ERASURE_NAMESPACE),
    type: 'SubjectErased',
    data: { subject, erasedAt, keyDeleted, dropped },
    metadata: buildMetadata({ occurredAt: erasedAt, actor: deps.actor, correlationId: subject }),
  };
  let recorded = true;
  try {
    await deps.store.append(erasureStream(subject), [event], { expectedRevision: 'no_stream' });
  } catch (error) {
    if (!(error instanceof WrongExpectedRevisionError || error instanceof EventIdConflictError)) throw error;
    recorded = false;
  }
  await deps.store.compact();
  moduleLogger(deps.logger, 'erasure').info({ subject, keyDeleted, dropped, recorded }, 'subject erased');
  return { subject, keyDeleted, dropped, recorded };
}
