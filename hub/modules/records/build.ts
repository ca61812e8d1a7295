import { createHash, createHmac } from 'node:crypto';
import { configure } from 'safe-stable-stringify';
import type { EventMetadata } from '../../kernel/event-store.js';
import { SECRET_VARIABLES } from '../../kernel/secrets.js';
import { type SubjectKey, SubjectKeyStore } from '../../privacy/key-store.js';
import { createPseudonymizer, type Pseudonymizer } from '../../privacy/pseudonym.js';
import { seal } from '../../privacy/sealed.js';
import type { DatasetDefinition } from './datasets.js';
import {
  type DatasetRecordDeleted,
  type DatasetRecordDeletedData,
  type DatasetRecordUpserted,
  RECORDS_NAMESPACE,
  recordStream,
} from './events.js';
import { presentFields, qualityDigests } from './quality-marks.js';

const canonical = configure({ deterministic: true, bigint: false, circularValue: TypeError });

/** What turning plaintext records into record events needs: pseudonyms, version hashing and subject keys. */
export interface RecordSealing {
  pseudonymize: Pseudonymizer;
  /** HMAC key for content versions (derive it from the hub's pseudonym secret). */
  versionKey: Buffer;
  keys: SubjectKeyStore;
  /** The secrets behind the above, when another thread of this process may seal with them too. */
  secrets?: { pseudonymSecret: Buffer; masterKey: Buffer };
}

export interface RecordIdentity {
  recordKey: string;
  subject: string | null;
}

/** The record's key as it may appear in streams: pseudonymised when the key field is personal. */
export function recordIdentity(
  def: DatasetDefinition,
  record: Record<string, unknown>,
  s: RecordSealing,
): RecordIdentity {
  const subject = def.subject ? s.pseudonymize(def.subject.kind, String(record[def.subject.field])) : null;
  const recordKey =
    def.subject?.field === def.key && def.personalFields.has(def.key)
      ? subject!
      : recordKeyFor(def, String(record[def.key]), s.pseudonymize);
  return { recordKey, subject };
}

/**
 * The key a record with this key value is stored under (`record-<dataset>-<recordKey>`): the value
 * itself, or its pseudonym when the key field is personal (the subject's own pseudonym when the key
 * is the subject field).
 */
export function recordKeyFor(def: DatasetDefinition, keyValue: string, pseudonymize: Pseudonymizer): string {
  if (!def.personalFields.has(def.key)) return keyValue;
  if (def.subject?.field === def.key) return pseudonymize(def.subject.kind, keyValue);
  return pseudonymize('citizen', `${def.name}:${keyValue}`);
}

/** Keyed content hash: equal for equal records, and useless for guessing the plaintext. */
export function recordVersion(record: Record<string, unknown>, versionKey: Buffer): string {
  return createHmac('sha256', versionKey).update(canonical(record)!).digest('hex').slice(0, 32);
}

const NAMESPACE_BYTES = Buffer.from(RECORDS_NAMESPACE.replaceAll('-', ''), 'hex');

/** RFC 9562 UUIDv5 (SHA-1 of namespace and name), the same ids the `uuid` package gives. */
export function uuidV5(name: string, namespace: Buffer = NAMESPACE_BYTES): string {
  const h = createHash('sha1').update(namespace).update(name, 'utf8').digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.toString('hex', 0, 16);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export const recordEventId = (
  dataset: string,
  recordKey: string,
  previousVersion: string | null,
  next: string,
) => uuidV5(`${dataset}/${recordKey}/${previousVersion ?? '-'}/${next}`);

/**
 * The event recording a new version of a record. Its id is a pure function of dataset, key and the
 * versions it moves between, so a retried import appends nothing twice (and A→B→A stays distinct).
 */
export function buildUpsert(
  def: DatasetDefinition,
  record: Record<string, unknown>,
  options: {
    sealing: RecordSealing;
    previousVersion: string | null;
    metadata: EventMetadata;
    key?: SubjectKey;
    /** Already computed by the caller (`recordVersion` / `recordIdentity` of this record): not hashed again. */
    version?: string;
    identity?: RecordIdentity;
  },
): { stream: string; version: string; event: DatasetRecordUpserted } {
  const { sealing } = options;
  const { recordKey, subject } = options.identity ?? recordIdentity(def, record, sealing);
  const version = options.version ?? recordVersion(record, sealing.versionKey);
  const fields: Record<string, unknown> = {};
  const personal: Record<string, unknown> = {};
  let hasPersonal = false;
  for (const name in record) {
    const value = record[name];
    if (value === undefined) continue;
    if (def.personalFields.has(name)) {
      personal[name] = value;
      hasPersonal = true;
    } else fields[name] = value;
  }
  let sealed = null;
  let digests: Record<string, string> | undefined;
  if (hasPersonal) {
    const sealedFor = subject ?? recordKey;
    const key = options.key ?? sealing.keys.keyFor(sealedFor);
    sealed = seal(key, sealedFor, def.name, personal);
    if (subject) digests = qualityDigests(def, record, key);
  }
  const present = hasPersonal ? presentFields(def, record) : undefined;
  return {
    stream: recordStream(def.name, recordKey),
    version,
    event: {
      id: recordEventId(def.name, recordKey, options.previousVersion, version),
      type: 'DatasetRecordUpserted',
      data: {
        dataset: def.name,
        recordKey,
        subject,
        version,
        previousVersion: options.previousVersion,
        fields,
        sealed,
        ...(present ? { present } : {}),
        ...(digests ? { digests } : {}),
      },
      metadata: options.metadata,
    },
  };
}

export function buildDelete(
  data: DatasetRecordDeletedData,
  metadata: EventMetadata,
): { stream: string; event: DatasetRecordDeleted } {
  return {
    stream: recordStream(data.dataset, data.recordKey),
    event: {
      id: recordEventId(data.dataset, data.recordKey, data.previousVersion, 'deleted'),
      type: 'DatasetRecordDeleted',
      data,
      metadata,
    },
  };
}

/** The version key, derived from the pseudonym secret so there is one secret less to manage. */
export const deriveVersionKey = (pseudonymSecret: Buffer) =>
  createHmac('sha256', pseudonymSecret).update('lienthong/record-version/v1').digest();

/** Sealing built from the hub's secrets and its subject-key store (one instance per process). */
export function sealingFor(
  secrets: { pseudonymSecret: Buffer; masterKey: Buffer },
  keysFile: string,
): RecordSealing {
  const keys = new SubjectKeyStore(keysFile, secrets.masterKey);
  try {
    keys.bindSecrets([
      {
        name: 'pseudonym secret',
        variable: SECRET_VARIABLES.pseudonymSecret,
        value: secrets.pseudonymSecret,
      },
      { name: 'master key', variable: SECRET_VARIABLES.masterKey, value: secrets.masterKey },
    ]);
  } catch (error) {
    keys.close();
    throw error;
  }
  return {
    pseudonymize: createPseudonymizer(secrets.pseudonymSecret),
    versionKey: deriveVersionKey(secrets.pseudonymSecret),
    keys,
    secrets: { pseudonymSecret: secrets.pseudonymSecret, masterKey: secrets.masterKey },
  };
}
