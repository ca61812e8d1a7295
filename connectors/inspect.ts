import type { Principal } from '../hub/auth/index.js';
import { ConnectorConflictNotFoundError } from '../hub/kernel/errors/index.js';
import { type DeadLetterQuery, readDeadLetters } from './dead-letters.js';
import { type Conflict, ConflictBook, rowId } from './kit/conflicts.js';
import { streamDefinition } from './kit/event-targets.js';
import type { ConflictRow } from './kit/events.js';
import type { ConnectorHub } from './kit/hub.js';
import { sourceKeyShown } from './kit/identity.js';
import { acquireLock } from './kit/lock.js';
import type { LoadedConnector } from './kit/manifest.js';
import { streamName } from './kit/stream-source.js';
import { verifyOperator } from './operator.js';
import { type RecordLookup, type RecordView, recordView, revealRecord } from './record-view.js';

export type { DeadLetter, DeadLetterQuery } from './dead-letters.js';
export type { RecordHistoryItem, RecordLookup, RecordView } from './record-view.js';

/** Listing of the connector's dead letters, conflicts and records, and the operator's decisions. */
export function inspection(options: {
  hub: ConnectorHub;
  name: string;
  loaded: LoadedConnector;
  paths: { index: string; lock: string };
}) {
  const { hub, name, loaded, paths } = options;
  const store = hub.store;
  const shownKey = (table: string) => {
    const i = loaded.manifest.streams.findIndex((s) => streamName(s) === table);
    const s = loaded.manifest.streams[i];
    if (!s) return (v: string) => v;
    return sourceKeyShown(s, loaded.mappings[i]!, streamDefinition(s, hub.datasets)!, hub.sealing.versionKey);
  };

  return {
    /** Every identity conflict of the connector, oldest first (resolved ones carry their resolution). */
    async conflicts(): Promise<readonly Conflict[]> {
      return (await ConflictBook.load(store, name)).list();
    },

    /**
     * Records an operator's decision on the open conflict of a record: `keep` names the row (its
     * source key as the conflict shows it, optionally `table:key`) that may write the record from
     * now on, the other staying held; `release` lets both. Refused while a sync runs. The held rows
     * reach the hub when they are read again (`reset`, then `sync`).
     */
    async resolve(input: {
      recordKey: string;
      keep?: string;
      release?: boolean;
      operator: string;
      note?: string;
      now?: Date;
    }): Promise<{ conflict: Conflict; kept: ConflictRow[] }> {
      const lock = acquireLock(paths.lock, name);
      try {
        const book = await ConflictBook.load(store, name);
        const conflict = book.list().find((c) => c.recordKey === input.recordKey && !c.resolution);
        if (!conflict) {
          throw new ConnectorConflictNotFoundError(
            name,
            `no open identity conflict on record ${input.recordKey}`,
          );
        }
        const kept = input.release
          ? conflict.rows
          : conflict.rows.filter((r) => matches(r, input.keep ?? ''));
        if (kept.length !== 1 && !input.release) {
          const rows = conflict.rows.map(label).join(', ');
          throw new ConnectorConflictNotFoundError(
            name,
            `--keep ${input.keep} must name one row of the conflict (${rows})`,
          );
        }
        await book.resolve(
          conflict,
          {
            resolution: input.release ? 'release' : 'keep',
            kept,
            ...(input.note ? { note: input.note } : {}),
          },
          { kind: 'operator', id: 'connector-cli', official: input.operator },
          input.now ?? new Date(),
        );
        return { conflict, kept };
      } finally {
        lock.release();
      }
    },

    /** Dead letters, newest first, filtered, one page; `total` counts every match. */
    deadLetters: (q: DeadLetterQuery = {}) => readDeadLetters(store, name, q),

    /** What the hub holds for a source row or a record key (undefined when nothing). */
    record: (lookup: RecordLookup) => recordView({ hub, name, loaded, paths, shownKey }, lookup),

    /** The operator a bearer token proves (see `verifyOperator`). */
    operator: (token: string | undefined): Promise<Principal> => verifyOperator(store, token),

    /** The sealed fields of a record in clear for an operator, recorded as an access first. */
    reveal: (view: RecordView, operator: Principal, purpose: string) =>
      revealRecord(hub, view, operator, purpose),
  };
}

const label = (r: ConflictRow) =>
  `${r.connector ? `${r.connector}/` : ''}${r.stream}:${Object.values(r.sourceKey).join(',')}`;

/** Whether `--keep` names a row: its key value, or `table:value`. */
function matches(r: ConflictRow, keep: string): boolean {
  const value = Object.values(r.sourceKey).join(',');
  return keep === value || keep === `${r.stream}:${value}` || rowId(r) === keep;
}
