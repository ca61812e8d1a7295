import type { ReadModelDb } from '../../kernel/read-model.js';
import type { DatasetDefinition } from '../records/index.js';
import type { Judgement } from './commands.js';
import type { FindingExample } from './events.js';
import type { DatasetQuality, QualityFigures } from './figures.js';

/** Examples a finding names, at most. */
export const MAX_EXAMPLES = 10;

const HOUR_MS = 3_600_000;
const within = (list: string) => `%,${list},%`;

/** What an inspector can open for each kind of finding (read only when one is raised). */
function examples(db: ReadModelDb, dataset: string, connector: string) {
  const all = <R>(sql: string, ...params: unknown[]) =>
    db.prepare<unknown[], R>(`${sql} LIMIT ${MAX_EXAMPLES}`).all(dataset, connector, ...params);
  const deadLetters = (rows: { dead_letter: string; missing: string | null }[]): FindingExample[] =>
    rows.map((r) => ({
      kind: 'dead-letter',
      id: r.dead_letter,
      ...(r.missing ? { note: `missing ${r.missing.replaceAll(',', ', ')}` } : {}),
    }));
  const failingRows =
    "SELECT dead_letter, missing FROM dq_rows WHERE dataset = ? AND connector = ? AND state = 'failing'";
  return {
    failing: () => deadLetters(all(`${failingRows} ORDER BY dead_letter`)),
    missing: (field: string) =>
      deadLetters(
        all(`${failingRows} AND (',' || missing || ',') LIKE ? ORDER BY dead_letter`, within(field)),
      ),
    lacking: (field: string, personal: boolean): FindingExample[] =>
      all<{ record_key: string }>(
        `SELECT record_key FROM dq_records WHERE dataset = ? AND connector = ? AND (',' || present || ',') NOT LIKE ?
           ${personal ? 'AND listed = 1' : ''} ORDER BY record_key`,
        within(field),
      ).map((r) => ({ kind: 'record', id: r.record_key, dataset, note: `no ${field}` })),
    duplicates: (): FindingExample[] =>
      [
        ...all<{ record_key: string }>(
          'SELECT record_key FROM dq_dup_keys WHERE dataset = ? AND connector = ? ORDER BY record_key',
        ).map(
          (r): FindingExample => ({
            kind: 'record',
            id: r.record_key,
            dataset,
            note: 'written by two source rows',
          }),
        ),
        ...all<{ record_key: string }>(
          'SELECT record_key FROM dq_records WHERE dataset = ? AND connector = ? AND dup_subject = 1 ORDER BY record_key',
        ).map(
          (r): FindingExample => ({
            kind: 'record',
            id: r.record_key,
            dataset,
            note: 'the person has another',
          }),
        ),
        ...all<{ conflict_id: string }>(
          'SELECT conflict_id FROM dq_identity WHERE dataset = ? AND connector = ? AND open = 1 ORDER BY conflict_id',
        ).map((r): FindingExample => ({ kind: 'identity-conflict', id: r.conflict_id, dataset })),
      ].slice(0, MAX_EXAMPLES),
    conflicts: (attribute: string): FindingExample[] =>
      all<{ record_key: string; subject: string; digests: string }>(
        `SELECT record_key, subject, digests FROM dq_records WHERE dataset = ? AND connector = ? AND conflicts <> ''
           AND (',' || conflicts || ',') LIKE ? ORDER BY record_key`,
        within(attribute),
      ).map((r) => {
        const mine = (JSON.parse(r.digests) as Record<string, string>)[attribute];
        const other = db
          .prepare<[string], { dataset: string; record_key: string; digests: string | null }>(
            'SELECT dataset, record_key, digests FROM dq_records WHERE subject = ? ORDER BY dataset, record_key',
          )
          .all(r.subject)
          .find((o) => {
            const theirs = o.digests
              ? (JSON.parse(o.digests) as Record<string, string>)[attribute]
              : undefined;
            return theirs !== undefined && theirs !== mine;
          });
        return {
          kind: 'value-conflict',
          id: r.record_key,
          dataset,
          ...(other ? { with: { dataset: other.dataset, recordKey: other.record_key } } : {}),
          note: `${attribute} differs`,
        };
      }),
  };
}

/** The runs a live finding points at: the last success and the last failure. */
function runExamples(f: QualityFigures): FindingExample[] {
  const live = f.live!;
  return [
    ...(live.lastSuccess
      ? [{ kind: 'run' as const, id: live.lastSuccess.runId, note: 'last successful run' }]
      : []),
    ...(live.lastFailure
      ? [
          {
            kind: 'run' as const,
            id: live.lastFailure.runId,
            note: `last failed run: ${live.lastFailure.code}`,
          },
        ]
      : []),
  ];
}

/**
 * Every figure of every source of a dataset held against the dataset's thresholds (thresholds
 * turned off judge nothing). `since` is when the source's figures last changed, for the live
 * figures the instant the threshold was passed: the last success (or the first run) plus the
 * greatest sync age, and the last success for the source lag.
 */
export function judge(
  db: ReadModelDb,
  def: DatasetDefinition,
  quality: DatasetQuality,
  now: Date,
): Judgement[] {
  const t = def.quality;
  const out: Judgement[] = [];
  for (const f of quality.sources) {
    const source = f.source!;
    const since = f.changedAt ?? now.toISOString();
    const ex = examples(db, def.name, source);
    if (t.minValidShare !== null)
      out.push({
        source,
        dimension: 'correct',
        metric: 'valid-share',
        field: null,
        figure: f.correct.validShare,
        threshold: t.minValidShare,
        bound: 'min',
        count: f.correct.valid,
        of: f.correct.rows,
        since,
        examples: ex.failing,
      });
    for (const c of f.complete.fields) {
      if (c.threshold === null) continue;
      out.push({
        source,
        dimension: 'complete',
        metric: c.required ? 'required-share' : 'optional-share',
        field: c.field,
        figure: c.share,
        threshold: c.threshold,
        bound: 'min',
        count: c.present ?? 0,
        of: c.of ?? 0,
        since,
        examples: c.required ? () => ex.missing(c.field) : () => ex.lacking(c.field, c.personal),
      });
    }
    if (t.maxDuplicateShare !== null)
      out.push({
        source,
        dimension: 'clean',
        metric: 'duplicate-share',
        field: null,
        figure: f.clean.duplicateShare,
        threshold: t.maxDuplicateShare,
        bound: 'max',
        count: f.clean.duplicates,
        of: f.clean.records,
        since,
        examples: ex.duplicates,
      });
    for (const a of f.clean.attributes) {
      if (t.maxConflictShare === null) break;
      out.push({
        source,
        dimension: 'clean',
        metric: 'conflict-share',
        field: a.attribute,
        figure: a.conflictShare,
        threshold: t.maxConflictShare,
        bound: 'max',
        count: a.conflicting,
        of: a.compared,
        since,
        examples: () => ex.conflicts(a.attribute),
      });
    }
    const live = f.live!;
    if (t.maxSyncAgeHours !== null) {
      const passed = live.ageFrom
        ? new Date(Date.parse(live.ageFrom) + t.maxSyncAgeHours * HOUR_MS).toISOString()
        : since;
      out.push({
        source,
        dimension: 'live',
        metric: 'sync-age-hours',
        field: null,
        figure: live.syncAgeHours,
        threshold: t.maxSyncAgeHours,
        bound: 'max',
        since: passed,
        examples: () => runExamples(f),
      });
    }
    if (t.maxSourceLagHours !== null)
      out.push({
        source,
        dimension: 'live',
        metric: 'source-lag-hours',
        field: null,
        figure: live.sourceLagHours,
        threshold: t.maxSourceLagHours,
        bound: 'max',
        since: live.lastSuccess?.at ?? since,
        examples: () => runExamples(f),
      });
  }
  return out;
}
