import Database from 'better-sqlite3';
import type { ReadModelDb, SqlStatement } from '../kernel/read-model.js';

/**
 * Opens (creating if needed) the SQLite file that holds read models. A read model can always be
 * rebuilt from the event log, so `synchronous=NORMAL` trades the last commits on power loss for speed.
 */
export function openReadModelDb(file: string): ReadModelDb {
  const db = new Database(file);
  // Before anything that locks: switching to WAL waits for another process opening the same file.
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  return db;
}

export interface CheckpointRow {
  name: string;
  version: number;
  position: number;
  updatedAt: string;
}

/** The `projection_checkpoints` table: one row per projection, written in the same transaction as its rows. */
export class Checkpoints {
  private readonly getStmt: SqlStatement<[string], CheckpointRow>;
  private readonly listStmt: SqlStatement<[], CheckpointRow>;
  private readonly upsertStmt: SqlStatement<[string, number, number, string]>;

  constructor(db: ReadModelDb) {
    db.exec(`CREATE TABLE IF NOT EXISTS projection_checkpoints (
      name TEXT PRIMARY KEY,
      version INTEGER NOT NULL,
      position INTEGER NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT`);
    const columns = 'name, version, position, updated_at AS updatedAt';
    this.getStmt = db.prepare(`SELECT ${columns} FROM projection_checkpoints WHERE name = ?`);
    this.listStmt = db.prepare(`SELECT ${columns} FROM projection_checkpoints ORDER BY name`);
    this.upsertStmt = db.prepare(
      `INSERT INTO projection_checkpoints (name, version, position, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = excluded.position,
         updated_at = excluded.updated_at`,
    );
  }

  get(name: string): CheckpointRow | undefined {
    return this.getStmt.get(name);
  }

  list(): CheckpointRow[] {
    return this.listStmt.all();
  }

  set(name: string, version: number, position: number): void {
    this.upsertStmt.run(name, version, position, new Date().toISOString());
  }
}
