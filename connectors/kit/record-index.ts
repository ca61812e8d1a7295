import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/** What the hub holds for one source row, as last written by this connector. */
export interface IndexEntry {
  sourceKey: string;
  dataset: string;
  recordKey: string;
  subject: string | null;
  /** Version of the last upsert (kept after a deletion: a re-created record chains from it). */
  version: string | null;
  /** Revision of the record stream after the last event this connector appended. */
  revision: number;
  deleted: boolean;
}

type Row = [string, string, string, string | null, string | null, number, number];

/**
 * The connector's index of what it has written: source key → record stream, version and revision.
 * It lets a sync skip unchanged rows without appending and state the expected revision of each
 * append. It is a cache of the log, updated only after appends are durable: when it lags (a crash
 * between append and update) the append conflicts, the engine reads the stream head, and the
 * deterministic event id shows the event is already there.
 * Full refreshes also record the source keys they saw, to find rows deleted at the source, and the
 * print of each row's last dead letter keeps a re-read of the same bad row from being dead-lettered
 * again.
 */
export class RecordIndex {
  private readonly db: Database.Database;
  private readonly select: Database.Statement;
  private readonly upsert: Database.Statement;
  private readonly seen: Database.Statement;
  private readonly rejectsOf: Database.Statement;
  private readonly saveReject: Database.Statement;

  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('cache_size = -65536');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS entries (
        source_table TEXT NOT NULL, source_key TEXT NOT NULL, dataset TEXT NOT NULL, record_key TEXT NOT NULL,
        subject TEXT, version TEXT, revision INTEGER NOT NULL, deleted INTEGER NOT NULL,
        PRIMARY KEY (source_table, source_key)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS seen (
        generation TEXT NOT NULL, source_key TEXT NOT NULL, PRIMARY KEY (generation, source_key)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS rejects (
        source_table TEXT NOT NULL, source_key TEXT NOT NULL, print TEXT NOT NULL,
        PRIMARY KEY (source_table, source_key)) WITHOUT ROWID;
    `);
    this.select = this.db
      .prepare(
        `SELECT source_key, dataset, record_key, subject, version, revision, deleted FROM entries
          WHERE source_table = ? AND source_key IN (SELECT value FROM json_each(?))`,
      )
      .raw();
    this.upsert = this.db.prepare(
      `INSERT OR REPLACE INTO entries (source_table, source_key, dataset, record_key, subject, version, revision, deleted)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.seen = this.db.prepare('INSERT OR IGNORE INTO seen (generation, source_key) VALUES (?, ?)');
    this.rejectsOf = this.db
      .prepare(
        `SELECT source_key, print FROM rejects
          WHERE source_table = ? AND source_key IN (SELECT value FROM json_each(?))`,
      )
      .raw();
    this.saveReject = this.db.prepare(
      'INSERT OR REPLACE INTO rejects (source_table, source_key, print) VALUES (?, ?, ?)',
    );
  }

  lookup(table: string, sourceKeys: readonly string[]): Map<string, IndexEntry> {
    const rows = this.select.all(table, JSON.stringify(sourceKeys)) as Row[];
    return new Map(rows.map((r) => [r[0], toEntry(r)]));
  }

  save(table: string, entries: readonly IndexEntry[]): void {
    if (entries.length === 0) return;
    this.db.transaction(() => {
      for (const e of entries) {
        this.upsert.run(
          table,
          e.sourceKey,
          e.dataset,
          e.recordKey,
          e.subject,
          e.version,
          e.revision,
          e.deleted ? 1 : 0,
        );
      }
    })();
  }

  /** The print of the last dead letter of each of these source rows (rows never rejected are absent). */
  rejectPrints(table: string, sourceKeys: readonly string[]): Map<string, string> {
    const rows = this.rejectsOf.all(table, JSON.stringify(sourceKeys)) as [string, string][];
    return new Map(rows);
  }

  /** Remembers the dead letters just appended (after they are durable). */
  saveRejectPrints(table: string, rejects: readonly { sourceKey: string; print: string }[]): void {
    if (rejects.length === 0) return;
    this.db.transaction(() => {
      for (const r of rejects) this.saveReject.run(table, r.sourceKey, r.print);
    })();
  }

  markSeen(generation: string, sourceKeys: readonly string[]): void {
    this.db.transaction(() => {
      for (const k of sourceKeys) this.seen.run(generation, k);
    })();
  }

  /** Live entries of a table that the full refresh `generation` did not see. */
  unseen(table: string, generation: string): IndexEntry[] {
    const rows = this.db
      .prepare(
        `SELECT source_key, dataset, record_key, subject, version, revision, deleted FROM entries e
          WHERE source_table = ? AND deleted = 0
            AND NOT EXISTS (SELECT 1 FROM seen s WHERE s.generation = ? AND s.source_key = e.source_key)`,
      )
      .raw()
      .all(table, generation) as Row[];
    return rows.map(toEntry);
  }

  forgetGeneration(generation: string): void {
    this.db.prepare('DELETE FROM seen WHERE generation = ?').run(generation);
  }

  count(): { entries: number; deleted: number } {
    const r = this.db.prepare('SELECT count(*) AS n, coalesce(sum(deleted), 0) AS d FROM entries').get() as {
      n: number;
      d: number;
    };
    return { entries: r.n, deleted: r.d };
  }

  close(): void {
    this.db.close();
  }
}

const toEntry = (r: Row): IndexEntry => ({
  sourceKey: r[0],
  dataset: r[1],
  recordKey: r[2],
  subject: r[3],
  version: r[4],
  revision: r[5],
  deleted: r[6] === 1,
});
