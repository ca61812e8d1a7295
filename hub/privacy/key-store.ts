import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { LRUCache } from 'lru-cache';
import { ConfigError, SealedDataError, SubjectErasedError } from '../kernel/errors/index.js';
import { OtherWriters } from '../projections/data-version.js';

export interface SubjectKey {
  kid: string;
  key: Buffer;
}

/** Random bytes each new key needs: kid (8), key (32), nonce wrapping it (12). */
const RANDOM_PER_KEY = 52;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS subject_keys (
  subject    TEXT    PRIMARY KEY,
  kid        TEXT    NOT NULL,
  wrapped    BLOB,
  created_at INTEGER NOT NULL,
  erased_at  INTEGER
) STRICT;
CREATE TABLE IF NOT EXISTS secret_fingerprints (
  name        TEXT    PRIMARY KEY,
  fingerprint BLOB    NOT NULL,
  recorded_at INTEGER NOT NULL
) STRICT;`;

/** A secret the key store is bound to: its name, the variable that gives it (for errors), its bytes. */
export interface BoundSecret {
  name: string;
  variable: string;
  value: Buffer;
}

/** HMAC of a fixed label under the secret: tells two secrets apart without revealing either. */
const fingerprintOf = (secret: Buffer) =>
  createHmac('sha256', secret).update('lienthong/secret-fingerprint/v1').digest();

/**
 * Per-subject data keys (AES-256), kept in their own SQLite file outside the event log and wrapped
 * with the hub's master key. Erasing a subject deletes its key (crypto-shredding): every event,
 * backup and copy sealed with it becomes unreadable. A tombstone remembers the erasure so the
 * subject's data is not silently re-imported.
 */
export class SubjectKeyStore {
  private readonly db: Database.Database;
  private readonly cache: LRUCache<string, SubjectKey>;
  private readonly select: Database.Statement;
  private readonly insert: Database.Statement;
  private readonly otherWriters: OtherWriters;
  private seenDataVersion = -1;
  private readonly resolveUnknown: Database.Transaction<
    (unknown: string[], keys: Map<string, SubjectKey>, erased: Set<string>) => void
  >;

  constructor(
    readonly file: string,
    private readonly masterKey: Buffer,
    cacheSize = 100_000,
  ) {
    if (masterKey.length !== 32) throw new RangeError('the master key must be 32 bytes');
    this.cache = new LRUCache({ max: cacheSize });
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.db = new Database(file);
    // Before anything that locks: planning workers and CLI tools open this file alongside the hub.
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('secure_delete = ON');
    // Subjects are random pseudonyms, so new keys land all over the B-tree: keep it in memory.
    this.db.pragma('cache_size = -65536');
    this.db.exec(SCHEMA);
    this.select = this.db.prepare('SELECT kid, wrapped, erased_at FROM subject_keys WHERE subject = ?');
    this.resolveUnknown = this.db.transaction((unknown: string[], keys, erased) =>
      this.resolveInTransaction(unknown, keys, erased),
    );
    this.otherWriters = new OtherWriters(this.db);
    this.insert = this.db.prepare(
      'INSERT INTO subject_keys (subject, kid, wrapped, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (subject) DO NOTHING',
    );
  }

  private remember(subject: string, key: SubjectKey): SubjectKey {
    this.cache.set(subject, key);
    return key;
  }

  /**
   * Drops every cached key once another connection has committed to the file (an erasure by the
   * CLI or another hub process, a connector's planning worker creating keys), so an erased key is
   * never used from memory. Seen from the event-loop turn after that commit (`OtherWriters`).
   */
  private followOtherWriters(): void {
    const version = this.otherWriters.version();
    if (version !== this.seenDataVersion) {
      if (this.seenDataVersion !== -1) this.cache.clear();
      this.seenDataVersion = version;
    }
  }

  private lookup(subject: string): SubjectKey | 'erased' | undefined {
    this.followOtherWriters();
    const cached = this.cache.get(subject);
    if (cached) return cached;
    const row = this.select.get(subject) as
      | { kid: string; wrapped: Buffer | null; erased_at: number | null }
      | undefined;
    if (!row) return undefined;
    if (row.erased_at !== null || !row.wrapped) return 'erased';
    return this.remember(subject, { kid: row.kid, key: this.unwrap(subject, row.wrapped) });
  }

  /** The subject's key, or undefined when it never had one. Throws SubjectErasedError after erasure. */
  find(subject: string): SubjectKey | undefined {
    const found = this.lookup(subject);
    if (found === 'erased') throw new SubjectErasedError(subject);
    return found;
  }

  /**
   * Keys for many subjects, creating missing ones in one durable transaction (before any event uses
   * them). Subjects not in the cache are looked up inside that transaction, under the write lock, so
   * a key another connection creates meanwhile is used rather than duplicated. Erased subjects are
   * reported in `erased` and never get a new key.
   */
  resolveKeys(subjects: Iterable<string>): { keys: Map<string, SubjectKey>; erased: Set<string> } {
    const keys = new Map<string, SubjectKey>();
    const erased = new Set<string>();
    const unknown = new Set<string>();
    this.followOtherWriters();
    for (const subject of subjects) {
      if (keys.has(subject) || unknown.has(subject)) continue;
      const cached = this.cache.get(subject);
      if (cached) keys.set(subject, cached);
      else unknown.add(subject);
    }
    if (unknown.size > 0) this.resolveUnknown.immediate([...unknown], keys, erased);
    return { keys, erased };
  }

  /** Keys for many subjects, creating missing ones durably; throws SubjectErasedError for an erased one. */
  ensureKeys(subjects: Iterable<string>): Map<string, SubjectKey> {
    const { keys, erased } = this.resolveKeys(subjects);
    const [first] = erased;
    if (first !== undefined) throw new SubjectErasedError(first);
    return keys;
  }

  /** Looks up subjects missing from the cache and creates keys for the new ones (in resolveUnknown's transaction). */
  private resolveInTransaction(unknown: string[], keys: Map<string, SubjectKey>, erased: Set<string>): void {
    const missing: string[] = [];
    for (const subject of unknown) {
      const found = this.lookup(subject);
      if (found === 'erased') erased.add(subject);
      else if (found) keys.set(subject, found);
      else missing.push(subject);
    }
    if (missing.length === 0) return;
    const now = Date.now();
    // One draw from the CSPRNG for the whole batch: kid, key and wrapping nonce of every new key.
    const random = randomBytes(missing.length * RANDOM_PER_KEY);
    missing.forEach((subject, i) => {
      const at = i * RANDOM_PER_KEY;
      const key = {
        kid: random.toString('hex', at, at + 8),
        key: Buffer.from(random.subarray(at + 8, at + 40)),
      };
      const wrapped = this.wrap(subject, key.key, random.subarray(at + 40, at + 52));
      this.insert.run(subject, key.kid, wrapped, now);
      keys.set(subject, this.remember(subject, key));
    });
    random.fill(0);
  }

  keyFor(subject: string): SubjectKey {
    return this.ensureKeys([subject]).get(subject)!;
  }

  isErased(subject: string): boolean {
    return this.lookup(subject) === 'erased';
  }

  /** Deletes the subject's key for good. Returns false when it had none (a tombstone is written anyway). */
  erase(subject: string): boolean {
    this.cache.delete(subject);
    const had = this.db
      .prepare(
        'UPDATE subject_keys SET wrapped = NULL, erased_at = ? WHERE subject = ? AND erased_at IS NULL',
      )
      .run(Date.now(), subject).changes;
    if (had === 0) {
      this.db
        .prepare(
          'INSERT OR IGNORE INTO subject_keys (subject, kid, wrapped, created_at, erased_at) VALUES (?, ?, NULL, ?, ?)',
        )
        .run(subject, 'erased', Date.now(), Date.now());
    }
    // Old page images in the WAL still hold the wrapped key: fold them into the file and truncate it.
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return had > 0;
  }

  private wrap(subject: string, key: Buffer, iv: Buffer): Buffer {
    const c = createCipheriv('aes-256-gcm', this.masterKey, iv).setAAD(Buffer.from(subject));
    const ct = Buffer.concat([c.update(key), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), ct]);
  }

  private unwrap(subject: string, wrapped: Buffer): Buffer {
    try {
      const d = createDecipheriv('aes-256-gcm', this.masterKey, wrapped.subarray(0, 12)).setAAD(
        Buffer.from(subject),
      );
      d.setAuthTag(wrapped.subarray(12, 28));
      return Buffer.concat([d.update(wrapped.subarray(28)), d.final()]);
    } catch {
      throw new SealedDataError(`the key of subject ${subject} cannot be unwrapped: wrong master key?`);
    }
  }

  /**
   * Binds the file to the secrets the data beside it is written under. The first open records each
   * secret's fingerprint; an open with another secret is refused with a ConfigError naming the
   * variable, before anything is written: pseudonyms under another secret would silently re-key
   * every record, and keys wrapped under another master key could not be opened.
   */
  bindSecrets(secrets: readonly BoundSecret[]): void {
    const select = this.db.prepare('SELECT fingerprint FROM secret_fingerprints WHERE name = ?');
    const record = this.db.prepare(
      'INSERT INTO secret_fingerprints (name, fingerprint, recorded_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING',
    );
    this.db
      .transaction(() => {
        for (const secret of secrets) {
          const fingerprint = fingerprintOf(secret.value);
          record.run(secret.name, fingerprint, Date.now());
          const stored = (select.get(secret.name) as { fingerprint: Buffer }).fingerprint;
          if (stored.length !== fingerprint.length || !timingSafeEqual(stored, fingerprint)) {
            throw new ConfigError(
              secret.variable,
              `is not the ${secret.name} the data in ${path.dirname(path.resolve(this.file))} was written with; start with that secret (records would otherwise be re-keyed)`,
            );
          }
        }
      })
      .immediate();
  }

  close(): void {
    this.cache.clear();
    this.db.close();
  }
}
