import type { ValidateFunction } from 'ajv';
import { ApiBadInputError } from '../../kernel/errors/index.js';
import type { ReadModelDb, SqlStatement } from '../../kernel/read-model.js';
import type { Pseudonymizer } from '../../privacy/pseudonym.js';
import { ReadModelChanges } from '../../projections/changes.js';
import {
  type DatasetDefinition,
  datasetAjv,
  type RawRecordRow,
  type RecordRow,
  recordKeyFor,
  recordRowOf,
  recordsProjection,
} from '../records/index.js';

/** A dataset about people, as a release names it (the API only releases those). */
export type PersonalDataset = DatasetDefinition & { subject: NonNullable<DatasetDefinition['subject']> };

const PERSONAL_ID = /^[0-9]{12}$/;

/** Refuses anything but a 12-digit personal ID number, naming the field it was given in. */
export function checkPersonalId(personalId: string, field = 'personalId'): void {
  if (!PERSONAL_ID.test(personalId)) {
    throw new ApiBadInputError(`${field} must be 12 digits`, { field });
  }
}

/**
 * How a release finds records in the `records` read model: by the dataset's key as the caller
 * typed it, or by the citizen the records are about. Input is checked against the dataset's own
 * schema first, so a malformed key is refused naming the field, and rows are memoized until the
 * read model changes.
 */
export class RecordLookup {
  private readonly keyChecks = new Map<string, ValidateFunction>();
  private ajv: ReturnType<typeof datasetAjv> | undefined;
  private readonly rowByKey: (q: { dataset: string; recordKey: string }) => RecordRow | undefined;
  private readonly rowsOfSubject: (q: { dataset: string; subject: string }) => RecordRow[];

  constructor(
    readModels: ReadModelDb,
    private readonly datasets: ReadonlyMap<string, DatasetDefinition>,
    private readonly pseudonymize: Pseudonymizer,
  ) {
    recordsProjection.open(readModels);
    const byKey = readModels.prepare(
      'SELECT * FROM records WHERE dataset = ? AND record_key = ? AND deleted = 0',
    );
    const ofSubject = readModels.prepare(
      'SELECT * FROM records WHERE subject = ? AND dataset = ? AND deleted = 0 ORDER BY record_key',
    );
    const changes = ReadModelChanges.of(readModels);
    this.rowByKey = changes.memo(
      recordsProjection.name,
      (q) => `${q.dataset}\u0000${q.recordKey}`,
      (q) => rowOf(byKey, q.dataset, q.recordKey),
    );
    this.rowsOfSubject = changes.memo(
      recordsProjection.name,
      (q) => `${q.dataset}\u0000${q.subject}`,
      (q) => (ofSubject.all(q.subject, q.dataset) as RawRecordRow[]).map(recordRowOf),
    );
  }

  /** The dataset, which must exist and be about people. */
  personal(dataset: string): PersonalDataset {
    const def = this.datasets.get(dataset);
    if (!def?.subject)
      throw new ApiBadInputError(`unknown personal dataset ${dataset}`, { field: 'dataset' });
    return def as PersonalDataset;
  }

  /** Refuses a key value the dataset's schema would not hold, naming the key field. */
  checkKey(def: PersonalDataset, key: string): void {
    if (def.key === def.subject.field && def.subject.kind === 'citizen') {
      checkPersonalId(key, def.key);
      return;
    }
    let check = this.keyChecks.get(def.name);
    if (!check) {
      const property = (def.schema.properties as Record<string, object>)[def.key]!;
      this.ajv ??= datasetAjv();
      check = this.ajv.compile(property);
      this.keyChecks.set(def.name, check);
    }
    if (typeof key !== 'string' || !check(key)) {
      const issue = check.errors?.[0]?.message ?? 'must be a string';
      throw new ApiBadInputError(`${def.key} ${issue}`, { field: def.key });
    }
  }

  /** The pseudonym of the citizen a personal ID number names, as the dataset's records carry it. */
  subjectOf(def: PersonalDataset, personalId: string): string {
    return this.pseudonymize(def.subject.kind, personalId);
  }

  /** The current record under a key value (the record of a subject, when the key is the subject). */
  byKey(def: PersonalDataset, key: string): RecordRow | undefined {
    return this.rowByKey({ dataset: def.name, recordKey: recordKeyFor(def, key, this.pseudonymize) });
  }

  /** The current records about a subject (pseudonym), by record key. */
  ofSubject(def: PersonalDataset, subject: string): RecordRow[] {
    if (def.key === def.subject.field && def.personalFields.has(def.key)) {
      const row = this.rowByKey({ dataset: def.name, recordKey: subject });
      return row ? [row] : [];
    }
    return this.rowsOfSubject({ dataset: def.name, subject });
  }
}

function rowOf(statement: SqlStatement, dataset: string, recordKey: string): RecordRow | undefined {
  const raw = statement.get(dataset, recordKey) as RawRecordRow | undefined;
  return raw && recordRowOf(raw);
}
