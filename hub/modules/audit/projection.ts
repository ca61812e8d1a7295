import type { RecordedEvent } from '../../kernel/event-store.js';
import type { ProjectionDefinition } from '../../kernel/projection.js';
import type { ReadModelDb, SqlStatement } from '../../kernel/read-model.js';
import { entryBytes, isAudited, uuidBytes } from './entries.js';
import { AUDITED_EVENT_TYPES, type AuditCheckpointSignedData } from './events.js';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  type NodeSource,
  nodeHash,
  subtreeHash,
  treeHead,
} from './merkle.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS audit_leaves (
  idx      INTEGER PRIMARY KEY,
  position INTEGER NOT NULL,
  event_id BLOB    NOT NULL,
  hash     BLOB    NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS audit_leaves_by_event ON audit_leaves (event_id);
CREATE TABLE IF NOT EXISTS audit_nodes (
  level INTEGER NOT NULL,
  idx   INTEGER NOT NULL,
  hash  BLOB    NOT NULL,
  PRIMARY KEY (level, idx)
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audit_checkpoints (
  size      INTEGER PRIMARY KEY,
  origin    TEXT    NOT NULL,
  root_hash TEXT    NOT NULL,
  at        TEXT    NOT NULL,
  key_id    TEXT    NOT NULL,
  signature TEXT    NOT NULL,
  event_id  TEXT    NOT NULL
) STRICT;`;

/** A checkpoint as the read model holds it, with the id of its event. */
export interface StoredCheckpoint extends AuditCheckpointSignedData {
  eventId: string;
}

type CheckpointRow = Omit<StoredCheckpoint, 'rootHash' | 'keyId' | 'eventId'> & {
  root_hash: string;
  key_id: string;
  event_id: string;
};
const toCheckpoint = (r: CheckpointRow): StoredCheckpoint => ({
  origin: r.origin,
  size: r.size,
  rootHash: r.root_hash,
  at: r.at,
  keyId: r.key_id,
  signature: r.signature,
  eventId: r.event_id,
});

/**
 * The audit tree as the `audit-log` read model keeps it: each leaf (index, position, event id, leaf
 * hash), every perfect subtree completed so far (level ≥ 1; about one per leaf), and the signed
 * checkpoints. Appending a leaf stores the subtrees it completes (amortised one read and one write);
 * a tree head or a proof reads O(log² n) stored subtrees and hashes only where sizes are not powers
 * of two, never the leaves below them.
 */
export class AuditLogModel {
  private readonly sizeStmt: SqlStatement<[], { idx: number }>;
  private readonly leafStmt: SqlStatement<[number], Buffer>;
  private readonly nodeStmt: SqlStatement<[number, number], Buffer>;
  private readonly byEventStmt: SqlStatement<[Buffer], { idx: number; position: number }>;
  private readonly leavesStmt: SqlStatement<[number, number], Buffer>;
  private readonly latestStmt: SqlStatement<[], CheckpointRow>;
  private readonly checkpointsStmt: SqlStatement<[number], CheckpointRow>;
  private readonly insertLeaf: SqlStatement<[number, number, Buffer, Buffer]>;
  private readonly insertNode: SqlStatement<[number, number, Buffer]>;
  private readonly insertCheckpoint: SqlStatement<[number, string, string, string, string, string, string]>;
  /** Reads a stored subtree (level 0: a leaf); throws when the tree has none there. */
  readonly nodes: NodeSource;

  constructor(private readonly db: ReadModelDb) {
    db.exec(SCHEMA);
    this.sizeStmt = db.prepare('SELECT idx FROM audit_leaves ORDER BY idx DESC LIMIT 1');
    this.leafStmt = db.prepare<[number], Buffer>('SELECT hash FROM audit_leaves WHERE idx = ?').pluck();
    this.nodeStmt = db
      .prepare<[number, number], Buffer>('SELECT hash FROM audit_nodes WHERE level = ? AND idx = ?')
      .pluck();
    this.byEventStmt = db.prepare(
      'SELECT idx, position FROM audit_leaves WHERE event_id = ? ORDER BY idx LIMIT 1',
    );
    this.leavesStmt = db
      .prepare<[number, number], Buffer>(
        'SELECT hash FROM audit_leaves WHERE idx >= ? AND idx < ? ORDER BY idx',
      )
      .pluck();
    const columns = 'size, origin, root_hash, at, key_id, signature, event_id';
    this.latestStmt = db.prepare(`SELECT ${columns} FROM audit_checkpoints ORDER BY size DESC LIMIT 1`);
    this.checkpointsStmt = db.prepare(
      `SELECT ${columns} FROM audit_checkpoints WHERE size <= ? ORDER BY size`,
    );
    this.insertLeaf = db.prepare(
      'INSERT INTO audit_leaves (idx, position, event_id, hash) VALUES (?, ?, ?, ?)',
    );
    this.insertNode = db.prepare('INSERT OR REPLACE INTO audit_nodes (level, idx, hash) VALUES (?, ?, ?)');
    this.insertCheckpoint = db.prepare(
      `INSERT OR REPLACE INTO audit_checkpoints (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.nodes = (level, index) => {
      const hash = level === 0 ? this.leafStmt.get(index) : this.nodeStmt.get(level, index);
      if (!hash) throw new RangeError(`the audit tree has no subtree ${level}/${index}`);
      return hash;
    };
  }

  /** Entries in the log. */
  size(): number {
    const last = this.sizeStmt.get();
    return last ? last.idx + 1 : 0;
  }

  /** Appends one event's leaf and the subtrees it completes (inside the runner's transaction). */
  append(event: RecordedEvent): void {
    const index = this.size();
    let hash = leafHash(entryBytes(event));
    this.insertLeaf.run(index, event.position, uuidBytes(event.id), hash);
    let level = 0;
    let at = index;
    while (at % 2 === 1) {
      hash = nodeHash(this.nodes(level, at - 1), hash);
      level++;
      at = (at - 1) / 2;
      this.insertNode.run(level, at, hash);
    }
  }

  recordCheckpoint(event: RecordedEvent): void {
    const c = event.data as AuditCheckpointSignedData;
    this.insertCheckpoint.run(c.size, c.origin, c.rootHash, c.at, c.keyId, c.signature, event.id);
  }

  /** The tree head of the first `size` entries. */
  head(size: number): Buffer {
    return treeHead(this.nodes, size);
  }

  /** MTH of entries lo…hi-1. */
  rangeHash(lo: number, hi: number): Buffer {
    return subtreeHash(this.nodes, lo, hi);
  }

  inclusion(index: number, size: number): Buffer[] {
    return inclusionProof(this.nodes, index, size);
  }

  consistency(first: number, second: number): Buffer[] {
    return consistencyProof(this.nodes, first, second);
  }

  /** The first leaf of an event, by its id. */
  leafOf(eventId: string): { index: number; position: number } | undefined {
    const row = this.byEventStmt.get(uuidBytes(eventId.toLowerCase()));
    return row && { index: row.idx, position: row.position };
  }

  /** Leaf hashes of entries from…to-1, in order. */
  leaves(from: number, to: number): Buffer[] {
    return this.leavesStmt.all(from, to);
  }

  latestCheckpoint(): StoredCheckpoint | undefined {
    const row = this.latestStmt.get();
    return row && toCheckpoint(row);
  }

  /** Every checkpoint of at most `size` entries, oldest first. */
  checkpoints(size = Number.MAX_SAFE_INTEGER): StoredCheckpoint[] {
    return this.checkpointsStmt.all(size).map(toCheckpoint);
  }

  reset(): void {
    this.db.exec('DELETE FROM audit_leaves; DELETE FROM audit_nodes; DELETE FROM audit_checkpoints;');
  }
}

/**
 * `audit-log`: the Merkle tree over the audited events (`AUDITED_EVENT_TYPES`) in global position
 * order, and the checkpoints signed over it.
 */
export const auditLogProjection: ProjectionDefinition = {
  name: 'audit-log',
  version: 1,
  description: 'Merkle tree of the access events (leaves, stored subtrees) and its signed checkpoints',
  filter: { eventTypes: [...AUDITED_EVENT_TYPES, 'AuditCheckpointSigned'] },
  open(db) {
    const model = new AuditLogModel(db);
    return {
      apply(event) {
        if (event.type === 'AuditCheckpointSigned') model.recordCheckpoint(event);
        else if (isAudited(event.type)) model.append(event);
      },
      reset: () => model.reset(),
    };
  },
};
