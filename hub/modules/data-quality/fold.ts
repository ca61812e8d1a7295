import type { ReadModelDb } from '../../kernel/read-model.js';
import type { DatasetDefinition } from '../records/index.js';
import { type PersonFlags, personFlags } from './groups.js';
import { listOf } from './tables.js';

/** What a source row's last outcome was. */
export interface RowState {
  dataset: string;
  state: 'imported' | 'failing' | 'deleted' | 'erased';
  recordKey: string | null;
  /** The id of its last dead letter (a failing row). */
  deadLetter: string | null;
  /** Required fields its last dead letter says are missing (a failing row). */
  missing: string[];
}

/** A current record as the model holds it. */
export interface RecordState extends PersonFlags {
  dataset: string;
  recordKey: string;
  subject: string | null;
  /** The source that wrote its current version. */
  connector: string;
  /** The source row that wrote it (`<stream>\u0000<key>`), when the event names one. */
  writer: string | null;
  /** The optional fields it holds (those in clear, and the personal ones its event names). */
  present: string[];
  /** Whether its event names the optional personal fields it holds (`present`). */
  listed: boolean;
  digests: Record<string, string> | null;
}

type RawRow = [string, string, string | null, string | null, string | null];
type RawRecord = [
  string,
  string,
  string | null,
  string,
  string | null,
  string,
  number,
  string | null,
  number,
  string,
  string,
];

const RECORD_COLUMNS =
  'dataset, record_key, subject, connector, writer, present, listed, digests, dup_subject, compared, conflicts';

const joined = (list: readonly string[]) => list.join(',');
const sameList = (a: readonly string[], b: readonly string[]) => joined(a) === joined(b);
const sameDigests = (a: RecordState['digests'], b: RecordState['digests']) =>
  JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * The part of the projection that follows rows and records: each change is written at once, and the
 * counters it moves (`dq_counts`) are gathered in memory and added once per batch (`flush`), as are
 * the times the sources' figures changed. Nothing here caches what another process may write: every
 * previous state is read from the tables.
 */
export class RecordFold {
  private readonly counts = new Map<string, number>();
  private readonly touched = new Map<string, string>();
  private readonly st;

  constructor(
    db: ReadModelDb,
    private readonly datasets: ReadonlyMap<string, DatasetDefinition>,
  ) {
    const p = <R = unknown>(sql: string) => db.prepare<unknown[], R>(sql);
    this.st = {
      row: p<RawRow>(
        'SELECT dataset, state, record_key, dead_letter, missing FROM dq_rows WHERE connector = ? AND stream = ? AND source_key = ?',
      ).raw(),
      putRow:
        p(`INSERT INTO dq_rows (connector, stream, source_key, dataset, state, record_key, dead_letter, missing)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (connector, stream, source_key) DO UPDATE SET dataset = excluded.dataset,
        state = excluded.state, record_key = excluded.record_key, dead_letter = excluded.dead_letter,
        missing = excluded.missing`),
      addDupKey: p('INSERT OR IGNORE INTO dq_dup_keys (dataset, connector, record_key) VALUES (?, ?, ?)'),
      dropDupKeys: p('DELETE FROM dq_dup_keys WHERE dataset = ? AND record_key = ?'),
      record: p<RawRecord>(
        `SELECT ${RECORD_COLUMNS} FROM dq_records WHERE dataset = ? AND record_key = ?`,
      ).raw(),
      recordsOfSubject: p<RawRecord>(`SELECT ${RECORD_COLUMNS} FROM dq_records WHERE subject = ?`).raw(),
      putRecord: p(`INSERT INTO dq_records (${RECORD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (dataset, record_key) DO UPDATE SET subject = excluded.subject, connector = excluded.connector,
        writer = excluded.writer, present = excluded.present, listed = excluded.listed, digests = excluded.digests,
        dup_subject = excluded.dup_subject, compared = excluded.compared, conflicts = excluded.conflicts`),
      dropRecord: p('DELETE FROM dq_records WHERE dataset = ? AND record_key = ?'),
      addCount: p(`INSERT INTO dq_counts (dataset, connector, metric, value) VALUES (?, ?, ?, ?)
        ON CONFLICT (dataset, connector, metric) DO UPDATE SET value = value + excluded.value`),
      touch: p(`INSERT INTO dq_sources (dataset, connector, changed_at) VALUES (?, ?, ?)
        ON CONFLICT (dataset, connector) DO UPDATE SET changed_at = max(changed_at, excluded.changed_at)`),
    };
  }

  /** Marks a source's figures as changed at `at` (written at the end of the batch). */
  touch(dataset: string, connector: string, at: string): void {
    const key = `${dataset}\u0000${connector}`;
    const before = this.touched.get(key);
    if (!before || before < at) this.touched.set(key, at);
  }

  private count(dataset: string, connector: string, metric: string, n: number): void {
    const key = `${dataset}\u0000${connector}\u0000${metric}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }

  /** One more dead letter of a source (counted whatever became of its row). */
  deadLetter(dataset: string, connector: string): void {
    this.count(dataset, connector, 'deadletters', 1);
  }

  identityConflict(dataset: string, connector: string, n: 1 | -1): void {
    this.count(dataset, connector, 'identity.open', n);
  }

  private rowCounts(connector: string, row: RowState, sign: 1 | -1): void {
    if (row.state === 'imported') this.count(row.dataset, connector, 'rows.imported', sign);
    if (row.state !== 'failing') return;
    this.count(row.dataset, connector, 'rows.failing', sign);
    for (const f of row.missing) this.count(row.dataset, connector, `missing.${f}`, sign);
  }

  private recordCounts(r: RecordState, sign: 1 | -1): void {
    const add = (metric: string) => this.count(r.dataset, r.connector, metric, sign);
    add('records');
    if (r.listed) add('listed');
    for (const f of r.present) add(`present.${f}`);
    if (r.dupSubject) add('dup.subject');
    for (const a of r.compared) add(`compared.${a}`);
    for (const a of r.conflicts) add(`conflict.${a}`);
  }

  getRow(connector: string, stream: string, sourceKey: string): RowState | undefined {
    const r = this.st.row.get(connector, stream, sourceKey);
    return (
      r && {
        dataset: r[0],
        state: r[1] as RowState['state'],
        recordKey: r[2],
        deadLetter: r[3],
        missing: listOf(r[4]),
      }
    );
  }

  /** A source row's new outcome. */
  setRow(connector: string, stream: string, sourceKey: string, next: RowState): void {
    const old = this.getRow(connector, stream, sourceKey);
    if (old) this.rowCounts(connector, old, -1);
    this.st.putRow.run(
      connector,
      stream,
      sourceKey,
      next.dataset,
      next.state,
      next.recordKey,
      next.deadLetter,
      joined(next.missing) || null,
    );
    this.rowCounts(connector, next, 1);
  }

  getRecord(dataset: string, recordKey: string): RecordState | undefined {
    const r = this.st.record.get(dataset, recordKey);
    return r && recordOf(r);
  }

  private putRecord(r: RecordState): void {
    this.st.putRecord.run(
      r.dataset,
      r.recordKey,
      r.subject,
      r.connector,
      r.writer,
      joined(r.present),
      r.listed ? 1 : 0,
      r.digests ? JSON.stringify(r.digests) : null,
      r.dupSubject ? 1 : 0,
      joined(r.compared),
      joined(r.conflicts),
    );
  }

  /**
   * A record's new version (`next`'s group flags are recomputed here when it needs to be). A record
   * whose version comes from another row of the same source than the version before it is a key
   * two rows write (`dq_dup_keys`), until the record is deleted: a row leaving a record (deleted at
   * the source, or given another key) deletes it.
   */
  upsertRecord(next: Omit<RecordState, 'dupSubject' | 'compared' | 'conflicts'>, at: string): void {
    const prev = this.getRecord(next.dataset, next.recordKey);
    const record: RecordState = {
      ...next,
      dupSubject: prev?.dupSubject ?? false,
      compared: prev?.compared ?? [],
      conflicts: prev?.conflicts ?? [],
    };
    if (prev) {
      this.recordCounts(prev, -1);
      this.touch(prev.dataset, prev.connector, at);
      if (prev.connector === next.connector && prev.writer && next.writer && prev.writer !== next.writer)
        this.st.addDupKey.run(next.dataset, next.connector, next.recordKey);
    }
    this.putRecord(record);
    this.recordCounts(record, 1);
    if (prev && prev.subject === record.subject && sameDigests(prev.digests, record.digests)) return;
    if (prev?.subject && prev.subject !== record.subject) this.regroup(prev.subject, at);
    if (record.subject) this.regroup(record.subject, at);
  }

  deleteRecord(dataset: string, recordKey: string, at: string): void {
    const prev = this.getRecord(dataset, recordKey);
    if (!prev) return;
    this.recordCounts(prev, -1);
    this.touch(prev.dataset, prev.connector, at);
    this.st.dropRecord.run(dataset, recordKey);
    this.st.dropDupKeys.run(dataset, recordKey);
    if (prev.subject) this.regroup(prev.subject, at);
  }

  /** Recomputes the flags of every record of one person (`personFlags`) and writes those that changed. */
  regroup(subject: string, at: string): void {
    const records = this.st.recordsOfSubject.all(subject).map(recordOf);
    personFlags(records, this.datasets).forEach((flags, i) => {
      const r = records[i]!;
      if (
        flags.dupSubject === r.dupSubject &&
        sameList(flags.compared, r.compared) &&
        sameList(flags.conflicts, r.conflicts)
      )
        return;
      const next: RecordState = { ...r, ...flags };
      this.recordCounts(r, -1);
      this.putRecord(next);
      this.recordCounts(next, 1);
      this.touch(r.dataset, r.connector, at);
    });
  }

  /**
   * A person erased: their records leave the model, and the rows that wrote them count no more
   * (`erased`), nor do the rows' later dead letters.
   */
  erase(subject: string, at: string): void {
    for (const r of this.st.recordsOfSubject.all(subject).map(recordOf)) {
      this.recordCounts(r, -1);
      this.touch(r.dataset, r.connector, at);
      this.st.dropRecord.run(r.dataset, r.recordKey);
      this.st.dropDupKeys.run(r.dataset, r.recordKey);
      if (!r.writer) continue;
      const [stream, sourceKey] = r.writer.split('\u0000') as [string, string];
      const row = this.getRow(r.connector, stream, sourceKey);
      if (!row || row.state === 'erased') continue;
      this.setRow(r.connector, stream, sourceKey, { ...row, state: 'erased', deadLetter: null, missing: [] });
    }
  }

  /** Writes the batch's counters and change times. */
  flush(): void {
    for (const [key, n] of this.counts) {
      if (n === 0) continue;
      const [dataset, connector, metric] = key.split('\u0000') as [string, string, string];
      this.st.addCount.run(dataset, connector, metric, n);
    }
    this.counts.clear();
    for (const [key, at] of this.touched) {
      const [dataset, connector] = key.split('\u0000') as [string, string];
      this.st.touch.run(dataset, connector, at);
    }
    this.touched.clear();
  }

  /** Forgets what the batch gathered (the model is being emptied). */
  clear(): void {
    this.counts.clear();
    this.touched.clear();
  }
}

const recordOf = (r: RawRecord): RecordState => ({
  dataset: r[0],
  recordKey: r[1],
  subject: r[2],
  connector: r[3],
  writer: r[4],
  present: listOf(r[5]),
  listed: r[6] === 1,
  digests: r[7] ? JSON.parse(r[7]) : null,
  dupSubject: r[8] === 1,
  compared: listOf(r[9]),
  conflicts: listOf(r[10]),
});
