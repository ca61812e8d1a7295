import { SealedDataError } from '../../kernel/errors/index.js';
import type { SubjectKeyStore } from '../../privacy/key-store.js';
import { unseal } from '../../privacy/sealed.js';
import type { DatasetDefinition } from './datasets.js';
import type { RecordRow } from './projection.js';

/** A record opened for release: plaintext values, each traceable to the event it came from. */
export interface OpenedRecord {
  values: Record<string, unknown>;
  sourceEventId: string;
  source: Record<string, unknown> | null;
}

/** Opens a record row; throws SubjectErasedError when the subject was erased. */
export function openRecord(def: DatasetDefinition, row: RecordRow, keys: SubjectKeyStore): OpenedRecord {
  const values: Record<string, unknown> = { ...row.fields };
  if (row.sealed) {
    const sealedFor = row.subject ?? row.recordKey;
    const key = keys.find(sealedFor);
    if (!key) throw new SealedDataError(`no key for a sealed ${def.name} record`);
    Object.assign(values, unseal(key, sealedFor, def.name, row.sealed) as Record<string, unknown>);
  }
  return { values, sourceEventId: row.eventId, source: row.source };
}
