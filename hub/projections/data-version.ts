import type { ReadModelDb, SqlStatement } from '../kernel/read-model.js';

/**
 * Tells whether other connections (another process, a CLI tool) have committed to a SQLite file,
 * through `PRAGMA data_version` on one connection. It is read at most once per event-loop turn:
 * each read is a read transaction with its file locks, so a hot path pays for it once per turn, and
 * a commit made elsewhere is seen from the next turn.
 */
export class OtherWriters {
  private readonly dataVersion: SqlStatement<[], number>;
  private current = -1;
  private readThisTurn = false;

  constructor(db: ReadModelDb) {
    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  }

  /** A number that changes whenever another connection has committed (as of this turn). */
  version(): number {
    if (!this.readThisTurn) {
      this.current = this.dataVersion.get()!;
      this.readThisTurn = true;
      setImmediate(() => {
        this.readThisTurn = false;
      }).unref();
    }
    return this.current;
  }
}
