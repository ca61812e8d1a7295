import { randomUUID } from 'node:crypto';
import type { Principal } from '../hub/auth/index.js';
import type { RecordedEvent, SourceProvenance } from '../hub/kernel/event-store.js';
import { buildMetadata } from '../hub/kernel/metadata.js';
import { readStreamOrNone } from '../hub/kernel/read-stream.js';
import { accessStream, type DataAccessedByOperator, StreamAppender } from '../hub/modules/access/index.js';
import {
  type DatasetRecordUpsertedData,
  openRecordValues,
  recordStream,
} from '../hub/modules/records/index.js';
import { type Conflict, ConflictBook } from './kit/conflicts.js';
import type { ConnectorHub } from './kit/hub.js';
import type { LoadedConnector } from './kit/manifest.js';
import { type IndexEntry, RecordIndex } from './kit/record-index.js';
import { streamName } from './kit/stream-source.js';

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

/** What the record view needs of an opened connector. */
export interface RecordViewDeps {
  hub: ConnectorHub;
  name: string;
  loaded: LoadedConnector;
  paths: { index: string };
  /** How a stream's source keys are shown (hashed when personal). */
  shownKey: (table: string) => (value: string) => string;
}

/** What the hub holds for a source row or a record key (undefined when nothing). */
export async function recordView(
  deps: RecordViewDeps,
  lookup: RecordLookup,
): Promise<RecordView | undefined> {
  const { hub, name, loaded, paths, shownKey } = deps;
  const store = hub.store;
  let dataset = lookup.dataset ?? loaded.manifest.streams[0]!.dataset;
  let recordKey = lookup.recordKey;
  let source: RecordView['source'];
  if (lookup.key !== undefined) {
    const index = new RecordIndex(paths.index);
    try {
      for (const s of loaded.manifest.streams) {
        const table = streamName(s);
        if (lookup.stream && table !== lookup.stream) continue;
        const entry = index.lookup(table, [lookup.key]).get(lookup.key);
        if (!entry) continue;
        source = { stream: table, sourceKey: lookup.key, entry };
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
  const events = await readStreamOrNone(store, stream);
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
}

/**
 * The sealed fields of a record in clear, for an operator (see `verifyOperator`): the access is
 * appended to the citizen's access stream (`DataAccessedByOperator`) before the values are returned.
 */
export async function revealRecord(
  hub: ConnectorHub,
  view: RecordView,
  operator: Principal,
  purpose: string,
): Promise<Record<string, unknown>> {
  const store = hub.store;
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
