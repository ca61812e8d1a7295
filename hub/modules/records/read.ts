import { SealedDataError } from '../../kernel/errors/index.js';
import type { SubjectKeyStore } from '../../privacy/key-store.js';
import { unseal } from '../../privacy/sealed.js';
import type { DatasetDefinition } from './datasets.js';
import type { DatasetRecordUpsertedData } from './events.js';
import type { RecordRow } from './projection.js';

/** A record opened for release: plaintext values, each traceable to the event it came from. */
export interface OpenedRecord {
  values: Record<string, unknown>;
  sourceEventId: string;
  source: Record<string, unknown> | null;
}

/**
 * The plaintext values of a record (a read-model row or the data of its `DatasetRecordUpserted`);
 * throws SubjectErasedError when the subject was erased.
 */
export function openRecordValues(
  def: DatasetDefinition,
  record: Pick<DatasetRecordUpsertedData, 'fields' | 'sealed' | 'subject' | 'recordKey'>,
  keys: SubjectKeyStore,
): Record<string, unknown> {
  const values: Record<string, unknown> = { ...record.fields };
  if (record.sealed) {
    const sealedFor = record.subject ?? record.recordKey;
    const key = keys.find(sealedFor);
    if (!key) throw new SealedDataError(`no key for a sealed ${def.name} record`);
    Object.assign(values, unseal(key, sealedFor, def.name, record.sealed) as Record<string, unknown>);
  }
  return values;
}

/** Opens a record row; throws SubjectErasedError when the subject was erased. */
export function openRecord(def: DatasetDefinition, row: RecordRow, keys: SubjectKeyStore): OpenedRecord {
  return { values: openRecordValues(def, row, keys), sourceEventId: row.eventId, source: row.source };
}
