import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  buildDelete,
  buildUpsert,
  type RecordSealing,
  recordVersion,
} from '../../hub/domain/records/build.js';
import type { DatasetDefinition } from '../../hub/domain/records/datasets.js';
import type { DatasetRecordUpsertedData } from '../../hub/domain/records/events.js';
import { type ConnectorIssue, EventIdConflictError, WrongExpectedRevisionError } from '../../hub/errors.js';
import { buildMetadata } from '../../hub/events/metadata.js';
import type {
  EventData,
  EventMetadata,
  EventStore,
  SourceProvenance,
} from '../../hub/eventstore/event-store.js';
import type { SubjectKey } from '../../hub/privacy/key-store.js';
import type { SourceRow } from './contract.js';
import type { ConnectorRowRejected } from './events.js';
import type { RowMapper } from './mapping.js';
import type { IndexEntry, RecordIndex } from './record-index.js';

/** Everything constant while one stream of one run is synced. */
export interface StreamContext {
  connector: string;
  runId: string;
  startedEventId: string;
  system: string;
  table: string;
  primaryKey: string;
  cursorField?: string;
  def: DatasetDefinition;
  mapper: RowMapper;
  softDelete?: { column: string; deleted: Set<string> };
  /** Turns a personal primary-key value into a keyed hash for the dead-letter stream. */
  deadLetterKey: (value: string) => string;
  store: EventStore;
  sealing: RecordSealing;
  index: RecordIndex;
  log: Logger;
  now: () => Date;
}

export interface BatchOutcome {
  upserted: number;
  unchanged: number;
  deleted: number;
  rejected: { sourceKey: string; issues: ConnectorIssue[] }[];
  lastPosition: number;
  /** Dry runs: what would happen to each row. */
  preview?: PreviewRow[];
}

export interface PreviewRow {
  sourceKey: string;
  action: 'insert' | 'update' | 'unchanged' | 'delete' | 'reject';
  record?: Record<string, unknown>;
  issues?: ConnectorIssue[];
}

interface Planned {
  sourceKey: string;
  entry: IndexEntry | undefined;
  record: Record<string, unknown> | null;
  position: string;
}

/** Memoises pseudonyms within a batch, so a subject's HMAC is computed once. */
function memoSealing(s: RecordSealing): RecordSealing {
  const memo = new Map<string, string>();
  return {
    ...s,
    pseudonymize: (kind, id) => {
      const k = `${kind}\u0000${id}`;
      let p = memo.get(k);
      if (p === undefined) {
        p = s.pseudonymize(kind, id);
        memo.set(k, p);
      }
      return p;
    },
  };
}

function metadataFor(ctx: StreamContext, p: Planned, fetchedAt: string): EventMetadata {
  const source: SourceProvenance = {
    connector: ctx.connector,
    runId: ctx.runId,
    system: ctx.system,
    table: ctx.table,
    primaryKey: { [ctx.primaryKey]: p.sourceKey },
    position: p.position,
    fetchedAt,
  };
  return buildMetadata({
    occurredAt: fetchedAt,
    actor: { kind: 'connector', id: ctx.connector },
    correlationId: ctx.runId,
    causationId: ctx.startedEventId,
    source,
  });
}

interface Head {
  revision: number;
  version: string | null;
  deleted: boolean;
}

async function readHead(store: EventStore, stream: string): Promise<Head | undefined> {
  const [last] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 }).catch(() => []);
  if (!last) return undefined;
  const data = last.data as Partial<DatasetRecordUpsertedData> & { previousVersion?: string | null };
  return last.type === 'DatasetRecordUpserted'
    ? { revision: last.revision, version: data.version ?? null, deleted: false }
    : { revision: last.revision, version: data.previousVersion ?? null, deleted: true };
}

type Built = { stream: string; event: EventData; expected: number | 'no_stream' };

/**
 * Appends one record event; when the stream is not where the index says (index lagging behind the
 * log, or two source rows feeding one record), reads the stream head: an event already there with
 * the same version counts as written, otherwise the event is rebuilt on top of the head.
 */
async function appendRecord(
  ctx: StreamContext,
  built: Built,
  rebuild: (head: Head) => Built | null,
): Promise<{ revision: number; position: number; written: boolean }> {
  let current = built;
  for (let attempt = 0; ; attempt++) {
    try {
      const r = await ctx.store.append(current.stream, [current.event], {
        expectedRevision: current.expected,
      });
      return { revision: r.nextExpectedRevision, position: r.written ? r.position : 0, written: r.written };
    } catch (e) {
      if (!(e instanceof WrongExpectedRevisionError || e instanceof EventIdConflictError) || attempt >= 3)
        throw e;
      const head = await readHead(ctx.store, current.stream);
      if (!head) throw e;
      const next = rebuild(head);
      if (!next) return { revision: head.revision, position: 0, written: false };
      current = next;
    }
  }
}

/**
 * One batch: map and validate rows, skip the unchanged, create subject keys in one transaction,
 * append the record events concurrently (the store group-commits them), record rejects in the
 * dead-letter stream, then update the index. Returns only once everything is durable.
 */
export async function processBatch(
  ctx: StreamContext,
  rows: SourceRow[],
  options: { dryRun: boolean; positionOf: (row: SourceRow) => string },
): Promise<BatchOutcome> {
  const fetchedAt = ctx.now().toISOString();
  const sourceKeys = rows.map((r) => String(r[ctx.primaryKey]));
  const entries = ctx.index.lookup(ctx.table, sourceKeys);
  const out: BatchOutcome = { upserted: 0, unchanged: 0, deleted: 0, rejected: [], lastPosition: 0 };
  if (options.dryRun) out.preview = [];
  const sealing = memoSealing(ctx.sealing);
  const upserts: Planned[] = [];
  const deletes: Planned[] = [];
  rows.forEach((row, i) => {
    const sourceKey = sourceKeys[i]!;
    const entry = entries.get(sourceKey);
    const position = options.positionOf(row);
    if (ctx.softDelete?.deleted.has(String(row[ctx.softDelete.column]))) {
      if (entry && !entry.deleted) deletes.push({ sourceKey, entry, record: null, position });
      else out.unchanged++;
      out.preview?.push({ sourceKey, action: entry && !entry.deleted ? 'delete' : 'unchanged' });
      return;
    }
    const { record, issues } = ctx.mapper(row);
    if (!record) {
      out.rejected.push({ sourceKey, issues });
      out.preview?.push({ sourceKey, action: 'reject', issues });
      return;
    }
    if (entry && !entry.deleted && entry.version === recordVersion(record, ctx.sealing.versionKey)) {
      out.unchanged++;
      out.preview?.push({ sourceKey, action: 'unchanged' });
      return;
    }
    upserts.push({ sourceKey, entry, record, position });
    out.preview?.push({ sourceKey, action: entry && !entry.deleted ? 'update' : 'insert', record });
  });
  if (options.dryRun) return out;

  const subjects = ctx.def.subject
    ? upserts.map((p) =>
        sealing.pseudonymize(ctx.def.subject!.kind, String(p.record![ctx.def.subject!.field])),
      )
    : [];
  const keys: Map<string, SubjectKey> =
    subjects.length > 0 ? ctx.sealing.keys.ensureKeys(subjects) : new Map();

  const saved: IndexEntry[] = [];
  const upsertOne = async (p: Planned) => {
    const metadata = metadataFor(ctx, p, fetchedAt);
    const subject = ctx.def.subject
      ? sealing.pseudonymize(ctx.def.subject.kind, String(p.record![ctx.def.subject.field]))
      : null;
    const key = subject ? keys.get(subject) : undefined;
    let first = buildWithKey(
      ctx,
      p,
      sealing,
      metadata,
      key,
      p.entry?.version ?? null,
      p.entry ? p.entry.revision : 'no_stream',
    );
    if (p.entry && first.event.data.recordKey !== p.entry.recordKey) {
      // The row's key changed at the source: the old record is deleted, the new one starts a stream.
      await deleteOne({ ...p, entry: p.entry }, 'deleted-at-source');
      first = buildWithKey(ctx, p, sealing, metadata, key, null, 'no_stream');
    }
    const version = first.event.data.version;
    const result = await appendRecord(ctx, first, (head) =>
      head.version === version && !head.deleted
        ? null
        : buildWithKey(ctx, p, sealing, metadata, key, head.version, head.revision),
    );
    if (result.written) out.upserted++;
    else out.unchanged++;
    out.lastPosition = Math.max(out.lastPosition, result.position);
    saved.push({
      sourceKey: p.sourceKey,
      dataset: ctx.def.name,
      recordKey: first.event.data.recordKey,
      subject: first.event.data.subject,
      version,
      revision: result.revision,
      deleted: false,
    });
  };
  const deleteOne = async (
    p: Planned & { entry: IndexEntry },
    reason: 'soft-deleted-at-source' | 'deleted-at-source',
  ) => {
    const metadata = metadataFor(ctx, p, fetchedAt);
    const d = buildDelete(
      {
        dataset: ctx.def.name,
        recordKey: p.entry.recordKey,
        subject: p.entry.subject,
        previousVersion: p.entry.version,
        reason,
      },
      metadata,
    );
    const result = await appendRecord(ctx, { ...d, expected: p.entry.revision }, (head) => {
      if (head.deleted) return null;
      const again = buildDelete({ ...d.event.data, previousVersion: head.version }, metadata);
      return { ...again, expected: head.revision };
    });
    if (result.written) out.deleted++;
    out.lastPosition = Math.max(out.lastPosition, result.position);
    saved.push({ ...p.entry, revision: result.revision, deleted: true });
  };

  await Promise.all([
    ...upserts.map(upsertOne),
    ...deletes.map((p) => deleteOne(p as Planned & { entry: IndexEntry }, 'soft-deleted-at-source')),
    appendRejects(ctx, out.rejected, fetchedAt),
  ]);
  ctx.index.save(ctx.table, saved);
  return out;
}

function buildWithKey(
  ctx: StreamContext,
  p: Planned,
  sealing: RecordSealing,
  metadata: EventMetadata,
  key: SubjectKey | undefined,
  previousVersion: string | null,
  expected: number | 'no_stream',
): Built & { event: EventData<'DatasetRecordUpserted', DatasetRecordUpsertedData> } {
  const b = buildUpsert(ctx.def, p.record!, { sealing, previousVersion, metadata, key });
  return { stream: b.stream, event: b.event, expected };
}

/** Dead letters: the source key (hashed when personal) and failing paths, never the row's values. */
async function appendRejects(
  ctx: StreamContext,
  rejected: BatchOutcome['rejected'],
  fetchedAt: string,
): Promise<void> {
  if (rejected.length === 0) return;
  const events: ConnectorRowRejected[] = rejected.map((r) => ({
    id: randomUUID(),
    type: 'ConnectorRowRejected',
    data: {
      connector: ctx.connector,
      runId: ctx.runId,
      stream: ctx.table,
      dataset: ctx.def.name,
      sourceKey: { [ctx.primaryKey]: ctx.deadLetterKey(r.sourceKey) },
      issues: r.issues,
    },
    metadata: buildMetadata({
      occurredAt: fetchedAt,
      actor: { kind: 'connector', id: ctx.connector },
      correlationId: ctx.runId,
      causationId: ctx.startedEventId,
    }),
  }));
  const stream = `deadletter-${ctx.connector}`;
  await appendAtEnd(ctx.store, stream, events);
}

async function appendAtEnd(store: EventStore, stream: string, events: EventData[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const [last] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 }).catch(() => []);
    try {
      await store.append(stream, events, { expectedRevision: last ? last.revision : 'no_stream' });
      return;
    } catch (e) {
      if (!(e instanceof WrongExpectedRevisionError) || attempt >= 3) throw e;
    }
  }
}

/** Deletions found by a completed full refresh: index entries the refresh did not see. */
export async function deleteUnseen(ctx: StreamContext, entries: IndexEntry[]): Promise<number> {
  const fetchedAt = ctx.now().toISOString();
  let deleted = 0;
  const saved: IndexEntry[] = [];
  await Promise.all(
    entries.map(async (entry) => {
      const metadata = metadataFor(
        ctx,
        { sourceKey: entry.sourceKey, entry, record: null, position: 'missing' },
        fetchedAt,
      );
      const d = buildDelete(
        {
          dataset: entry.dataset,
          recordKey: entry.recordKey,
          subject: entry.subject,
          previousVersion: entry.version,
          reason: 'missing-from-full-refresh',
        },
        metadata,
      );
      const result = await appendRecord(ctx, { ...d, expected: entry.revision }, (head) =>
        head.deleted
          ? null
          : {
              ...buildDelete({ ...d.event.data, previousVersion: head.version }, metadata),
              expected: head.revision,
            },
      );
      if (result.written) deleted++;
      saved.push({ ...entry, revision: result.revision, deleted: true });
    }),
  );
  ctx.index.save(ctx.table, saved);
  return deleted;
}
