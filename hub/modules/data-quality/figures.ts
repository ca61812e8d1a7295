import { prepared, type ReadModelDb } from '../../kernel/read-model.js';
import type { DatasetDefinition, DatasetQualitySettings } from '../records/index.js';
import { type LiveFigures, liveOf, type RunRow, type RunSummary } from './live.js';

/** correct: validShare = valid / rows. */
export interface CorrectFigures {
  /** The source's current rows: imported or failing (last outcome a dead letter). */
  rows: number;
  valid: number;
  failing: number;
  validShare: number | null;
  /** Dead letters the source ever wrote for the dataset. */
  deadLetters: number;
  lastRun: RunSummary | null;
}

/** One field's coverage: `present` of `of` (rows for a required field, records for an optional one). */
export interface FieldCoverage {
  field: string;
  required: boolean;
  personal: boolean;
  /** False for an optional personal field whose presence is never recorded (`untracked`). */
  tracked: boolean;
  present: number | null;
  of: number | null;
  share: number | null;
  /** The least share the dataset asks for (`minRequiredShare`, `minOptionalShare`), or null. */
  threshold: number | null;
}

export interface CompleteFigures {
  rows: number;
  records: number;
  /** Records whose event names the optional personal fields they hold (older events do not). */
  listed: number;
  /** The lowest share among required fields. */
  requiredShare: number | null;
  fields: FieldCoverage[];
}

/** One attribute compared across a person's records. */
export interface AttributeAgreement {
  attribute: string;
  /** The fields of this dataset that hold it. */
  fields: string[];
  /** Records that hold it while another record of the same person does too. */
  compared: number;
  /** Of those, records whose value disagrees (see `RecordFold.regroup`). */
  conflicting: number;
  conflictShare: number | null;
}

/** clean: duplicateShare = (duplicateKeys + duplicateSubjects + identityConflicts) / records. */
export interface CleanFigures {
  records: number;
  duplicates: number;
  duplicateKeys: number;
  duplicateSubjects: number;
  identityConflicts: number;
  duplicateShare: number | null;
  attributes: AttributeAgreement[];
}

export interface QualityFigures {
  dataset: string;
  /** The connector, or null for the dataset as a whole (every source). */
  source: string | null;
  /** When an event last moved these figures. */
  changedAt: string | null;
  correct: CorrectFigures;
  complete: CompleteFigures;
  clean: CleanFigures;
  /** Null for the dataset as a whole. */
  live: LiveFigures | null;
}

export interface DatasetQuality {
  dataset: string;
  thresholds: DatasetQualitySettings;
  overall: QualityFigures;
  sources: QualityFigures[];
}

type Counts = ReadonlyMap<string, number>;

const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);

function correctOf(counts: Counts, run: RunRow | undefined): CorrectFigures {
  const valid = counts.get('rows.imported') ?? 0;
  const failing = counts.get('rows.failing') ?? 0;
  const c = run?.last_counts ? (JSON.parse(run.last_counts) as Record<string, number>) : {};
  return {
    rows: valid + failing,
    valid,
    failing,
    validShare: share(valid, valid + failing),
    deadLetters: counts.get('deadletters') ?? 0,
    lastRun: run
      ? {
          runId: run.last_run_id,
          outcome: run.last_outcome,
          startedAt: run.last_started_at,
          endedAt: run.last_ended_at,
          read: c.read ?? 0,
          rejected: c.rejected ?? 0,
          rejectedAgain: c.rejectedAgain ?? 0,
          quarantined: c.quarantined ?? 0,
        }
      : null,
  };
}

function completeOf(def: DatasetDefinition, counts: Counts): CompleteFigures {
  const q = def.quality;
  const rows = (counts.get('rows.imported') ?? 0) + (counts.get('rows.failing') ?? 0);
  const records = counts.get('records') ?? 0;
  const listed = counts.get('listed') ?? 0;
  const fields = def.fields.map((field): FieldCoverage => {
    const required = def.requiredFields.has(field);
    const personal = def.personalFields.has(field);
    const tracked = required || !personal || !q.untracked.has(field);
    if (!tracked)
      return { field, required, personal, tracked, present: null, of: null, share: null, threshold: null };
    const present = required
      ? rows - (counts.get(`missing.${field}`) ?? 0)
      : (counts.get(`present.${field}`) ?? 0);
    const of = required ? rows : personal ? listed : records;
    const threshold = required ? q.minRequiredShare : (q.minOptionalShare[field] ?? null);
    return { field, required, personal, tracked, present, of, share: share(present, of), threshold };
  });
  const requiredShares = fields.filter((f) => f.required && f.share !== null).map((f) => f.share!);
  return {
    rows,
    records,
    listed,
    requiredShare: requiredShares.length > 0 ? Math.min(...requiredShares) : null,
    fields,
  };
}

function cleanOf(def: DatasetDefinition, counts: Counts, duplicateKeys: number): CleanFigures {
  const records = counts.get('records') ?? 0;
  const duplicateSubjects = counts.get('dup.subject') ?? 0;
  const identityConflicts = counts.get('identity.open') ?? 0;
  const duplicates = duplicateKeys + duplicateSubjects + identityConflicts;
  const byAttribute = new Map<string, string[]>();
  for (const [field, attribute] of Object.entries(def.quality.compare))
    byAttribute.set(attribute, [...(byAttribute.get(attribute) ?? []), field]);
  return {
    records,
    duplicates,
    duplicateKeys,
    duplicateSubjects,
    identityConflicts,
    duplicateShare: share(duplicates, records),
    attributes: [...byAttribute].map(([attribute, fields]) => {
      const compared = counts.get(`compared.${attribute}`) ?? 0;
      const conflicting = counts.get(`conflict.${attribute}`) ?? 0;
      return { attribute, fields, compared, conflicting, conflictShare: share(conflicting, compared) };
    }),
  };
}

const add = (into: Map<string, number>, from: Counts) => {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v);
};

/** The figures of one dataset, as a whole and for each of its sources, at `now`. */
export function datasetQuality(db: ReadModelDb, def: DatasetDefinition, now: Date): DatasetQuality {
  const sources = prepared<[string], { connector: string; changed_at: string }>(
    db,
    'SELECT connector, changed_at FROM dq_sources WHERE dataset = ? ORDER BY connector',
  ).all(def.name);
  const counts = new Map<string, Map<string, number>>();
  for (const r of prepared<[string], { connector: string; metric: string; value: number }>(
    db,
    'SELECT connector, metric, value FROM dq_counts WHERE dataset = ?',
  ).all(def.name)) {
    const of = counts.get(r.connector) ?? new Map<string, number>();
    of.set(r.metric, r.value);
    counts.set(r.connector, of);
  }
  const dupKeys = new Map(
    db
      .prepare<[string], [string, number]>(
        'SELECT connector, count(*) FROM dq_dup_keys WHERE dataset = ? GROUP BY connector',
      )
      .raw()
      .all(def.name),
  );
  const runOf = prepared<[string], RunRow>(db, 'SELECT * FROM dq_runs WHERE connector = ?');
  const streamsOf = db
    .prepare<[string, string], string>('SELECT stream FROM dq_streams WHERE connector = ? AND dataset = ?')
    .pluck();
  const total = new Map<string, number>();
  const perSource = sources.map(({ connector, changed_at }): QualityFigures => {
    const c = counts.get(connector) ?? new Map<string, number>();
    add(total, c);
    const run = runOf.get(connector);
    return {
      dataset: def.name,
      source: connector,
      changedAt: changed_at,
      correct: correctOf(c, run),
      complete: completeOf(def, c),
      clean: cleanOf(def, c, dupKeys.get(connector) ?? 0),
      live: liveOf(run, streamsOf.all(connector, def.name), now),
    };
  });
  const changed = sources.map((s) => s.changed_at).sort();
  return {
    dataset: def.name,
    thresholds: def.quality,
    overall: {
      dataset: def.name,
      source: null,
      changedAt: changed[changed.length - 1] ?? null,
      correct: { ...correctOf(total, undefined), lastRun: null },
      complete: completeOf(def, total),
      clean: cleanOf(
        def,
        total,
        [...dupKeys.values()].reduce((a, b) => a + b, 0),
      ),
      live: null,
    },
    sources: perSource,
  };
}
