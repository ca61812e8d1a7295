import { randomUUID } from 'node:crypto';
import type { Principal } from '../hub/auth/index.js';
import { ConnectorConflictNotFoundError, StreamNotFoundError } from '../hub/kernel/errors/index.js';
import type { EventStore, RecordedEvent, SourceProvenance } from '../hub/kernel/event-store.js';
import { buildMetadata } from '../hub/kernel/metadata.js';
import { accessStream, type DataAccessedByOperator, StreamAppender } from '../hub/modules/access/index.js';
import {
  type DatasetRecordUpsertedData,
  openRecordValues,
  recordStream,
} from '../hub/modules/records/index.js';
import { type Conflict, ConflictBook, rowId } from './kit/conflicts.js';
import { type ConflictRow, type ConnectorRowRejectedData, deadLetterStream } from './kit/events.js';
import type { ConnectorHub } from './kit/hub.js';
import { sourceKeyShown } from './kit/identity.js';
import { acquireLock } from './kit/lock.js';
import type { LoadedConnector } from './kit/manifest.js';
import { type IndexEntry, RecordIndex } from './kit/record-index.js';
import { verifyOperator } from './operator.js';

/** A dead letter as `deadletters` lists it (newest first). */
export interface DeadLetter extends ConnectorRowRejectedData {
  /** Revision in `deadletter-<name>`. */
  revision: number;
  at: string;
}

export interface DeadLetterQuery {
  /** Only letters with an issue whose message contains this (any letter case). */
  reason?: string;
  /** Only letters with an issue at this field (`dateOfBirth`, `/permanentResidence/address`, `household.householdId`) or below it. */
  field?: string;
  /** Only letters of this source table. */
  stream?: string;
  /** Letters per page (default: all). */
  limit?: number;
  /** 1-based page (default 1). */
  page?: number;
}

export interface RecordLookup {
  /** Primary-key value of a source row (looked up in the connector's record index). */
  key?: string;
  /** Source table of `key` (default: every stream of the connector). */
  stream?: string;
  /** Or the record's key as in its stream name (e.g. from a conflict listing). */
  recordKey?: string;
  /** Dataset of `recordKey` (default: the connector's first). */
  dataset?: string;
}

/** One event of a record's history (no values). */
export interface RecordHistoryItem {
  revision: number;
  type: string;
  version: string | null;
  at: string;
  runId?: string;
  connector?: string;
  table?: string;
  /** Source primary key (keyed hash when personal). */
  sourceKey?: Record<string, string>;
  position?: string;
}

/** What the hub holds for one record: values of non-personal fields, names of sealed ones, history. */
export interface RecordView {
  dataset: string;
  recordKey: string;
  stream: string;
  /** The source row asked for and its index entry, when looked up by `key`. */
  source?: { stream: string; sourceKey: string; entry: IndexEntry };
  subject: string | null;
  state: 'live' | 'deleted';
  version: string | null;
  revision: number;
  /** Non-personal fields of the current version. */
  fields: Record<string, unknown>;
  /** Personal fields of the dataset (sealed under the subject's key; shown only with `reveal`). */
  sealed: string[];
  /** The event holding the current values. */
  current?: { eventId: string; revision: number };
  history: RecordHistoryItem[];
  /** Conflicts naming this record or row, newest last. */
  conflicts: Conflict[];
}

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
    const i = loaded.manifest.streams.findIndex((s) => s.table === table);
    const s = loaded.manifest.streams[i];
    if (!s) return (v: string) => v;
    return sourceKeyShown(s, loaded.mappings[i]!, hub.datasets.get(s.dataset)!, hub.sealing.versionKey);
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
      const unlock = acquireLock(paths.lock, name);
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
        unlock();
      }
    },

    /** Dead letters, newest first, filtered, one page; `total` counts every match. */
    async deadLetters(q: DeadLetterQuery = {}): Promise<{ total: number; letters: DeadLetter[] }> {
      const matching: DeadLetter[] = [];
      const keep = letterFilter(q);
      for await (const e of backwards(store, deadLetterStream(name))) {
        const letter: DeadLetter = {
          ...(e.data as ConnectorRowRejectedData),
          revision: e.revision,
          at: e.metadata.occurredAt,
        };
        if (keep(letter)) matching.push(letter);
      }
      const limit = q.limit ?? matching.length;
      const from = ((q.page ?? 1) - 1) * limit;
      return { total: matching.length, letters: matching.slice(from, from + limit) };
    },

    /** What the hub holds for a source row or a record key (undefined when nothing). */
    async record(lookup: RecordLookup): Promise<RecordView | undefined> {
      let dataset = lookup.dataset ?? loaded.manifest.streams[0]!.dataset;
      let recordKey = lookup.recordKey;
      let source: RecordView['source'];
      if (lookup.key !== undefined) {
        const index = new RecordIndex(paths.index);
        try {
          for (const s of loaded.manifest.streams) {
            if (lookup.stream && s.table !== lookup.stream) continue;
            const entry = index.lookup(s.table, [lookup.key]).get(lookup.key);
            if (!entry) continue;
            source = { stream: s.table, sourceKey: lookup.key, entry };
            dataset = entry.dataset;
            recordKey = entry.recordKey;
            break;
          }
        } finally {
          index.close();
        }
      }
      const conflicts = (await ConflictBook.load(store, name))
        .list()
        .filter(
          (c) =>
            (recordKey !== undefined && c.recordKey === recordKey) ||
            (lookup.key !== undefined &&
              c.rows.some(
                (r) =>
                  !r.connector &&
                  (!lookup.stream || r.stream === lookup.stream) &&
                  Object.values(r.sourceKey)[0] === shownKey(r.stream)(lookup.key!),
              )),
        );
      if (recordKey === undefined) {
        return conflicts.length > 0 ? emptyView(dataset, '', conflicts) : undefined;
      }
      const stream = recordStream(dataset, recordKey);
      const events = await readAllOf(store, stream);
      if (events.length === 0)
        return source || conflicts.length > 0 ? emptyView(dataset, recordKey, conflicts) : undefined;
      const def = hub.datasets.get(dataset)!;
      const last = events.at(-1)!;
      const upsert = events.findLast((e) => e.type === 'DatasetRecordUpserted');
      const data = upsert?.data as DatasetRecordUpsertedData | undefined;
      return {
        dataset,
        recordKey,
        stream,
        ...(source ? { source } : {}),
        subject: data?.subject ?? null,
        state: last.type === 'DatasetRecordDeleted' ? 'deleted' : 'live',
        version: data?.version ?? null,
        revision: last.revision,
        fields: data?.fields ?? {},
        sealed: data?.sealed ? def.fields.filter((f) => def.personalFields.has(f)) : [],
        ...(upsert ? { current: { eventId: upsert.id, revision: upsert.revision } } : {}),
        history: events.map((e) => historyItem(e, name, shownKey)),
        conflicts,
      };
    },

    /** The operator a bearer token proves (see `verifyOperator`). */
    operator: (token: string | undefined): Promise<Principal> => verifyOperator(store, token),

    /**
     * The sealed fields of a record in clear, for an operator (see `verifyOperator`): the access is
     * appended to the citizen's access stream (`DataAccessedByOperator`) before the values are returned.
     */
    async reveal(view: RecordView, operator: Principal, purpose: string): Promise<Record<string, unknown>> {
      if (!view.current || view.sealed.length === 0 || !view.subject) return {};
      const [event] = await store.readStream(view.stream, {
        fromRevision: view.current.revision,
        maxCount: 1,
      });
      const data = event!.data as DatasetRecordUpsertedData;
      const def = hub.datasets.get(view.dataset)!;
      const values = openRecordValues(def, data, hub.sealing.keys);
      const fields = view.sealed.filter((f) => values[f] !== undefined);
      const access: DataAccessedByOperator = {
        id: randomUUID(),
        type: 'DataAccessedByOperator',
        data: {
          caller: {
            agency: operator.agency,
            official: operator.official,
            role: operator.role,
            tokenId: operator.tokenId,
          },
          subject: view.subject,
          dataset: view.dataset,
          fields,
          purpose,
          record: { eventId: event!.id, stream: view.stream, revision: event!.revision },
          tool: 'connector records',
        },
        metadata: buildMetadata({
          occurredAt: new Date(),
          actor: { kind: 'operator', id: operator.agency, official: operator.official },
          correlationId: randomUUID(),
        }),
      };
      await new StreamAppender(store).append(accessStream(view.subject), access);
      return Object.fromEntries(fields.map((f) => [f, values[f]]));
    },
  };
}

const label = (r: ConflictRow) =>
  `${r.connector ? `${r.connector}/` : ''}${r.stream}:${Object.values(r.sourceKey).join(',')}`;

/** Whether `--keep` names a row: its key value, or `table:value`. */
function matches(r: ConflictRow, keep: string): boolean {
  const value = Object.values(r.sourceKey).join(',');
  return keep === value || keep === `${r.stream}:${value}` || rowId(r) === keep;
}

function emptyView(dataset: string, recordKey: string, conflicts: Conflict[]): RecordView {
  return {
    dataset,
    recordKey,
    stream: recordKey ? recordStream(dataset, recordKey) : '',
    subject: null,
    state: 'deleted',
    version: null,
    revision: -1,
    fields: {},
    sealed: [],
    history: [],
    conflicts,
  };
}

function historyItem(
  e: RecordedEvent,
  connector: string,
  shownKey: (table: string) => (v: string) => string,
): RecordHistoryItem {
  const d = e.data as { version?: string; previousVersion?: string | null };
  const s = e.metadata.source as SourceProvenance | undefined;
  const show = s?.table && s.connector === connector ? shownKey(s.table) : undefined;
  const shown =
    s?.primaryKey && show
      ? Object.fromEntries(Object.entries(s.primaryKey).map(([k, v]) => [k, show(String(v))]))
      : undefined;
  // The position ends with the key (`cursor=…;pk=…`): shown as the key is (hashed when personal).
  let position = shown ? s?.position : undefined;
  for (const [k, v] of Object.entries(s?.primaryKey ?? {})) {
    const tail = `${k}=${String(v)}`;
    if (position?.endsWith(tail)) position = `${position.slice(0, -tail.length)}${k}=${shown?.[k]}`;
  }
  return {
    revision: e.revision,
    type: e.type,
    version: e.type === 'DatasetRecordUpserted' ? (d.version ?? null) : null,
    at: e.metadata.occurredAt,
    ...(s ? { runId: s.runId, connector: s.connector, ...(s.table ? { table: s.table } : {}) } : {}),
    ...(shown ? { sourceKey: shown } : {}),
    ...(position ? { position } : {}),
  };
}

const asPointer = (field: string) => (field.startsWith('/') ? field : `/${field.replaceAll('.', '/')}`);

function letterFilter(q: DeadLetterQuery): (l: DeadLetter) => boolean {
  const reason = q.reason?.toLowerCase();
  const field = q.field ? asPointer(q.field) : undefined;
  return (l) =>
    (!q.stream || l.stream === q.stream) &&
    l.issues.some(
      (i) =>
        (!reason || i.message.toLowerCase().includes(reason)) &&
        (!field || i.path === field || i.path.startsWith(`${field}/`)),
    );
}

/** A stream's events, newest first, read in pages. */
async function* backwards(store: EventStore, stream: string, page = 1000): AsyncGenerator<RecordedEvent> {
  let from: number | 'end' = 'end';
  for (;;) {
    let events: RecordedEvent[];
    try {
      events = await store.readStream(stream, { direction: 'backwards', fromRevision: from, maxCount: page });
    } catch (e) {
      if (e instanceof StreamNotFoundError) return;
      throw e;
    }
    yield* events;
    const last = events.at(-1);
    if (events.length < page || !last || last.revision === 0) return;
    from = last.revision - 1;
  }
}

async function readAllOf(store: EventStore, stream: string): Promise<RecordedEvent[]> {
  try {
    return await store.readStream(stream);
  } catch (e) {
    if (e instanceof StreamNotFoundError) return [];
    throw e;
  }
}
