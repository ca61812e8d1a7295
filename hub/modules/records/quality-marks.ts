import { createHmac } from 'node:crypto';
import type { SubjectKey } from '../../privacy/key-store.js';
import type { DatasetDefinition } from './datasets.js';

/**
 * A value as it is compared between two records of one person: text in Unicode NFC, lower case by
 * Vietnamese rules, runs of white space as one space, trimmed (`LÊ THỊ THẢO` and `Lê  Thị Thảo` are
 * one name). Dates (ISO text, which none of this changes) and other values compare as they are.
 */
export const comparableValue = (v: unknown): string =>
  typeof v === 'string'
    ? JSON.stringify(v.normalize('NFC').toLocaleLowerCase('vi').replace(/\s+/g, ' ').trim())
    : JSON.stringify(v ?? null);

const DIGEST_CONTEXT = 'lienthong/quality-digest/v1';

/**
 * Keyed digests of the record's compared fields (`x-dataset.quality.compare`), by attribute: an
 * HMAC-SHA-256 (64 bits shown) of the attribute and the comparable value, under a key derived from
 * the data subject's own key. Two records of one person holding the same value have the same
 * digest whatever their datasets; the digests of two people cannot be linked (different keys); and
 * once the person's key is shredded nobody can test a guessed value against them. Undefined when
 * the record has none (no subject, nothing compared, or no compared field present).
 */
export function qualityDigests(
  def: DatasetDefinition,
  record: Record<string, unknown>,
  key: SubjectKey,
): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  let derived: Buffer | undefined;
  for (const field in def.quality.compare) {
    const value = record[field];
    if (value === undefined || value === null) continue;
    derived ??= createHmac('sha256', key.key).update(DIGEST_CONTEXT).digest();
    const attribute = def.quality.compare[field]!;
    out ??= {};
    out[attribute] = createHmac('sha256', derived)
      .update(`${attribute}\u0000${comparableValue(value)}`)
      .digest('hex')
      .slice(0, 16);
  }
  return out;
}

/** Whether the dataset's records name the optional personal fields they hold (`present`). */
export const listsPresence = (def: DatasetDefinition): boolean => trackedOptional(def).length > 0;

const tracked = new WeakMap<DatasetDefinition, readonly string[]>();

/** Optional personal fields whose presence a record event names, in schema order. */
export function trackedOptional(def: DatasetDefinition): readonly string[] {
  let fields = tracked.get(def);
  if (!fields) {
    fields = def.fields.filter(
      (f) => def.personalFields.has(f) && !def.requiredFields.has(f) && !def.quality.untracked.has(f),
    );
    tracked.set(def, fields);
  }
  return fields;
}

/**
 * The optional personal fields a record holds, by name (their values are sealed): what the
 * data-quality projection counts coverage from without opening anything. Fields the dataset marks
 * `untracked` are never named. Undefined when the dataset has no such field to name.
 */
export function presentFields(def: DatasetDefinition, record: Record<string, unknown>): string[] | undefined {
  const fields = trackedOptional(def);
  if (fields.length === 0) return undefined;
  return fields.filter((f) => record[f] !== undefined && record[f] !== null);
}
