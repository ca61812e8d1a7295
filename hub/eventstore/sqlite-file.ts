import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StoreFileError } from '../kernel/errors/index.js';

/** 'LTHB' — marks a SQLite file as a Lienthong event store. */
export const APPLICATION_ID = 0x4c544842;
export const SCHEMA_VERSION = 1;
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

const SCHEMA = `
CREATE TABLE streams (
  stream_id         INTEGER PRIMARY KEY,
  name              TEXT    NOT NULL UNIQUE,
  last_revision     INTEGER NOT NULL DEFAULT -1,
  deleted           INTEGER NOT NULL DEFAULT 0,
  truncate_before   INTEGER NOT NULL DEFAULT 0,
  max_count         INTEGER,
  max_age_seconds   INTEGER,
  metadata          TEXT,
  metadata_revision INTEGER NOT NULL DEFAULT -1
) STRICT;
-- Rows are never deleted, so the rowid (position) only grows: strictly increasing, in commit order.
CREATE TABLE events (
  position    INTEGER PRIMARY KEY,
  stream_id   INTEGER NOT NULL REFERENCES streams (stream_id),
  revision    INTEGER NOT NULL,
  event_id    BLOB    NOT NULL,
  type        TEXT    NOT NULL,
  data        TEXT    NOT NULL,
  metadata    TEXT    NOT NULL,
  recorded_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX events_by_stream ON events (stream_id, revision);
-- No index on event_id: idempotency is checked where a retry's events must stand (see sqlite.ts).
-- An index over random UUIDs made every commit rewrite one index page per event.
`;

function sqliteCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e
    ? String((e as { code: unknown }).code)
    : undefined;
}

/** Reads the first bytes without opening the file through SQLite, which could otherwise write to it. */
function checkHeader(file: string): void {
  const fd = fs.openSync(file, 'r');
  try {
    const header = Buffer.alloc(SQLITE_MAGIC.length);
    const read = fs.readSync(fd, header, 0, header.length, 0);
    if (read < header.length || !header.equals(SQLITE_MAGIC)) {
      throw new StoreFileError(file, 'not a SQLite database, so not a Lienthong event store');
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Bounded-cost probes: each table's and index's root and rightmost path, where a damaged or
 * truncated file fails first. A full scan (`npm run hub -- store check`) would make restart time
 * grow with the log; deeper damage surfaces as StoreFileError on the read that meets it.
 */
function probe(db: Database.Database): void {
  db.prepare('SELECT max(position), min(position) FROM events').get();
  db.prepare('SELECT max(stream_id), min(stream_id) FROM streams').get();
  db.prepare('SELECT name FROM streams ORDER BY name DESC LIMIT 1').get();
  db.prepare('SELECT stream_id, revision FROM events ORDER BY stream_id DESC, revision DESC LIMIT 1').get();
  const tables = db
    .prepare("SELECT count(*) AS n FROM sqlite_master WHERE name IN ('events', 'streams')")
    .get() as { n: number };
  if (tables.n !== 2) throw new Error('tables missing');
}

/** Refuses anything but a Lienthong event store or an empty SQLite database (a first start that stopped early). */
function verifyExisting(db: Database.Database, file: string): void {
  let appId: number;
  let version: number;
  let objects: number;
  try {
    appId = db.pragma('application_id', { simple: true }) as number;
    version = db.pragma('user_version', { simple: true }) as number;
    objects = (db.prepare('SELECT count(*) AS n FROM sqlite_master').get() as { n: number }).n;
    if (appId === APPLICATION_ID) probe(db);
  } catch (e) {
    if (e instanceof StoreFileError) throw e;
    throw new StoreFileError(
      file,
      `unreadable database (${sqliteCode(e) ?? 'error'}: ${(e as Error).message})`,
    );
  }
  if (appId === 0 && objects === 0) return;
  if (appId !== APPLICATION_ID) {
    throw new StoreFileError(file, `a SQLite database of another application (application_id ${appId})`);
  }
  if (version > SCHEMA_VERSION) {
    throw new StoreFileError(
      file,
      `written by a newer Lienthong (schema ${version}, this one reads ${SCHEMA_VERSION})`,
    );
  }
}

/**
 * Opens (or creates) the event store file. An existing file that is not a Lienthong event store,
 * or is damaged, is refused with StoreFileError and left byte-for-byte untouched.
 */
/** Creates the schema in an empty database; safe when several processes create the same file at once. */
function initialise(db: Database.Database): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    const appId = db.pragma('application_id', { simple: true }) as number;
    if (appId === 0) {
      db.exec(
        `${SCHEMA}; PRAGMA application_id = ${APPLICATION_ID}; PRAGMA user_version = ${SCHEMA_VERSION};`,
      );
    }
    db.exec('COMMIT');
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw e;
  }
}

export function openStoreFile(file: string): Database.Database {
  const exists = fs.existsSync(file) && fs.statSync(file).size > 0;
  if (exists) checkHeader(file);
  else fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: exists });
  } catch (e) {
    throw new StoreFileError(file, `cannot open (${(e as Error).message})`);
  }
  try {
    // First: every later step may meet another process opening or creating the same file (switching
    // to WAL takes an exclusive lock), and must wait for it rather than fail with SQLITE_BUSY.
    db.pragma('busy_timeout = 5000');
    if (exists) verifyExisting(db, file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('cache_size = -65536');
    db.pragma('foreign_keys = OFF');
    initialise(db);
  } catch (e) {
    db.close();
    throw e instanceof StoreFileError
      ? e
      : new StoreFileError(file, `cannot prepare (${(e as Error).message})`);
  }
  return db;
}

export function isStorageFull(e: unknown): boolean {
  const code = sqliteCode(e);
  return (
    code === 'SQLITE_FULL' ||
    (code?.startsWith('SQLITE_IOERR') === true && /ENOSPC|disk is full/i.test(String(e)))
  );
}

export function isCorrupt(e: unknown): boolean {
  const code = sqliteCode(e);
  return code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB';
}

/** Runs SQLite's `integrity_check` (or the faster `quick_check`) read-only on a file: the problems found. */
export function checkSqliteFile(file: string, pragma: 'integrity_check' | 'quick_check'): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.pragma(pragma) as Record<string, string>[];
    return rows.map((r) => Object.values(r)[0]!).filter((m) => m !== 'ok');
  } finally {
    db.close();
  }
}
