import { EventIdConflictError, HubError, WrongExpectedRevisionError } from '../../hub/kernel/errors/index.js';
import type { AppendOutcome, EventData, EventStore, RecordedEvent } from '../../hub/kernel/event-store.js';
import type { DatasetRecordUpsertedData } from '../../hub/modules/records/index.js';

/** Where a record stream stands: its last revision and version, and whether it ends in a deletion. */
export interface Head {
  revision: number;
  version: string | null;
  deleted: boolean;
  /** The stream's last event. */
  event: RecordedEvent;
}

/** A record event ready to append, with the revision its stream is expected at. */
export interface Built {
  stream: string;
  event: EventData;
  expected: number | 'no_stream';
}

/**
 * How an append ended: `written` false when the event (or its equivalent) was already there, or
 * when `held` (the row was kept out of the record: see `Rebuild`).
 */
export interface Written {
  revision: number;
  position: number;
  written: boolean;
  held?: boolean;
}

/**
 * What to append instead when the stream is not where it was expected: the event rebuilt on top of
 * `head`, null when the head already holds what the event would record, or `'held'` to append
 * nothing and keep the row out of the record (an identity conflict).
 */
export type Rebuild = (head: Head) => Built | null | 'held' | Promise<Built | null | 'held'>;

async function readHead(store: EventStore, stream: string): Promise<Head | undefined> {
  const [last] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 }).catch(() => []);
  if (!last) return undefined;
  const data = last.data as Partial<DatasetRecordUpsertedData> & { previousVersion?: string | null };
  return last.type === 'DatasetRecordUpserted'
    ? { revision: last.revision, version: data.version ?? null, deleted: false, event: last }
    : { revision: last.revision, version: data.previousVersion ?? null, deleted: true, event: last };
}

const asOutcome = (e: unknown): HubError => {
  if (e instanceof HubError) return e;
  throw e;
};

const appendOne = (store: EventStore, b: Built): Promise<AppendOutcome> =>
  store.append(b.stream, [b.event], { expectedRevision: b.expected }).catch(asOutcome);

/** The written result of a successful append outcome, or undefined when it failed. */
export function written(outcome: AppendOutcome): Written | undefined {
  if (outcome instanceof HubError) return undefined;
  return {
    revision: outcome.nextExpectedRevision,
    position: outcome.written ? outcome.position : 0,
    written: outcome.written,
  };
}

/**
 * Settles one record append. When the stream is not where the index says (index lagging behind
 * the log, or two source rows feeding one record), reads the stream head: `rebuild` returns null
 * when the head already holds what the event would record (counted as unchanged), otherwise the
 * event rebuilt on top of the head, which is appended in turn. Other errors are thrown.
 */
export async function settleRecord(
  store: EventStore,
  built: Built,
  rebuild: Rebuild,
  first: AppendOutcome,
): Promise<Written> {
  let current = built;
  let outcome = first;
  for (let attempt = 0; ; attempt++) {
    const ok = written(outcome);
    if (ok) return ok;
    const conflict = outcome instanceof WrongExpectedRevisionError || outcome instanceof EventIdConflictError;
    if (!conflict || attempt >= 3) throw outcome;
    const head = await readHead(store, current.stream);
    if (!head) throw outcome;
    const next = await rebuild(head);
    if (next === 'held') return { revision: head.revision, position: 0, written: false, held: true };
    if (!next) return { revision: head.revision, position: 0, written: false };
    current = next;
    outcome = await appendOne(store, current);
  }
}

/** Appends one record event on its own, settling conflicts as `settleRecord` does. */
export async function appendRecord(store: EventStore, built: Built, rebuild: Rebuild): Promise<Written> {
  return settleRecord(store, built, rebuild, await appendOne(store, built));
}
