import { randomUUID } from 'node:crypto';
import { WrongExpectedRevisionError } from '../../hub/kernel/errors/index.js';
import type { EventData, EventStore } from '../../hub/kernel/event-store.js';
import { buildMetadata } from '../../hub/kernel/metadata.js';
import { buildDelete, buildUpsert, type DatasetRecordDeletedData } from '../../hub/modules/records/index.js';
import type { SubjectKey } from '../../hub/privacy/key-store.js';
import { type ConnectorRowRejected, deadLetterStream } from './events.js';
import { againstHead, recordConflict, rowRef, screenBatch } from './identity.js';
import {
  metadataFor,
  type Plan,
  type PlannedDelete,
  type PlannedUpsert,
  type PreviewRow,
  planRows,
  type RejectedRow,
  rekeyed,
  sealPlan,
} from './plan.js';
import type { SourceRow } from './protocol.js';
import {
  appendRecord,
  type Built,
  type Rebuild,
  settleRecord,
  type Written,
  written,
} from './record-append.js';
import type { IndexEntry } from './record-index.js';
import type { StreamContext } from './stream-context.js';

export type { PreviewRow } from './plan.js';

export interface BatchOutcome {
  upserted: number;
  unchanged: number;
  deleted: number;
  /** Rows rejected for the first time, or with other content or reasons than their last dead letter. */
  rejected: RejectedRow[];
  /** Rows rejected again exactly as their last dead letter says (no new dead letter). */
  rejectedAgain: number;
  /** Rows held out of their record by an identity conflict. */
  quarantined: number;
  lastPosition: number;
  /** Dry runs: what would happen to each row. */
  preview?: PreviewRow[];
}

const UNSEEN_PER_APPEND = 2000;

/** One record event to append, what to do when its stream has moved, and what to do once written. */
interface Job {
  built: Built;
  rebuild: Rebuild;
  done: (w: Written) => void;
}

/**
 * One batch: map and validate rows, skip the unchanged, create subject keys in one durable
 * transaction, append every record event in one `appendMany` (one commit on the embedded store),
 * settle conflicts one by one, record rejects in the dead-letter stream, then update the index.
 * Returns only once everything is durable.
 */
export async function processBatch(
  ctx: StreamContext,
  rows: SourceRow[],
  options: { dryRun: boolean; positionOf: (row: SourceRow) => string },
): Promise<BatchOutcome> {
  const fetchedAt = ctx.now().toISOString();
  const entries = ctx.index.lookup(
    ctx.table,
    rows.map((r) => String(r[ctx.primaryKey])),
  );
  const plan = planRows(ctx, rows, entries, rows.map(options.positionOf), options.dryRun);
  if (options.dryRun) {
    const { quarantined } = screenBatch(ctx, plan, rows);
    const { unchanged, preview } = plan;
    const { fresh: rejected, again: rejectedAgain } = rejectedBefore(ctx, plan.rejected);
    return {
      upserted: 0,
      unchanged,
      deleted: 0,
      rejected,
      rejectedAgain,
      quarantined,
      lastPosition: 0,
      preview,
    };
  }
  const keys = sealPlan(ctx, plan, fetchedAt);
  return executePlan(ctx, rows, plan, fetchedAt, keys);
}

/** Appends what a plan (sealed by `sealPlan`, here or in a worker) says, and updates the index. */
export async function executePlan(
  ctx: StreamContext,
  rows: readonly SourceRow[],
  plan: Plan,
  fetchedAt: string,
  keys: ReadonlyMap<string, SubjectKey> = new Map(),
): Promise<BatchOutcome> {
  const { def, sealing } = ctx;
  const screened = screenBatch(ctx, plan, rows);
  const { fresh, again } = rejectedBefore(ctx, plan.rejected);
  const out: BatchOutcome = {
    upserted: 0,
    unchanged: plan.unchanged,
    deleted: 0,
    rejected: fresh,
    rejectedAgain: again,
    quarantined: screened.quarantined,
    lastPosition: 0,
  };
  const saved: IndexEntry[] = [];
  const jobs: Job[] = [];
  const rekeys: Promise<void>[] = [];
  const upsertJob = (p: PlannedUpsert, previous: IndexEntry | undefined): Job => {
    const metadata = p.built?.event.metadata ?? metadataFor(ctx, p, fetchedAt);
    const build = (previousVersion: string | null, expected: number | 'no_stream'): Built => {
      const record = p.record ?? ctx.mapper(rows[p.row]!).record!;
      const b = buildUpsert(def, record, {
        sealing,
        previousVersion,
        metadata,
        key: p.identity.subject ? keys.get(p.identity.subject) : undefined,
        version: p.version,
        identity: p.identity,
      });
      return { stream: b.stream, event: b.event, expected };
    };
    const { version, identity } = p;
    return {
      built:
        (previous === p.entry && p.built) ||
        build(previous?.version ?? null, previous ? previous.revision : 'no_stream'),
      rebuild: async (head) => {
        if (head.version === version && !head.deleted) return null;
        // Another row wrote the record since this row last did (or this row is new to it).
        const record = () => p.record ?? ctx.mapper(rows[p.row]!).record!;
        if ((await againstHead(ctx, head, p.sourceKey, record)) === 'held') return 'held';
        return build(head.version, head.revision);
      },
      done: (w) => {
        if (w.held) {
          out.quarantined++;
          return;
        }
        if (w.written) out.upserted++;
        else out.unchanged++;
        out.lastPosition = Math.max(out.lastPosition, w.position);
        saved.push({
          sourceKey: p.sourceKey,
          dataset: def.name,
          recordKey: identity.recordKey,
          subject: identity.subject,
          version,
          revision: w.revision,
          deleted: false,
        });
      },
    };
  };
  const deleted = (w: Written, entry: IndexEntry) => {
    if (w.written) out.deleted++;
    out.lastPosition = Math.max(out.lastPosition, w.position);
    saved.push({ ...entry, revision: w.revision, deleted: true });
  };
  const run = async (job: Job) => job.done(await appendRecord(ctx.store, job.built, job.rebuild));

  for (const p of plan.upserts) {
    if (rekeyed(p)) {
      // The row's key changed at the source: the old record is deleted, the new one starts a stream.
      const entry = p.entry!;
      rekeys.push(
        run(deleteJob(ctx, { ...p, entry }, 'deleted-at-source', fetchedAt, deleted)).then(() =>
          run(upsertJob(p, undefined)),
        ),
      );
    } else jobs.push(upsertJob(p, p.entry));
  }
  for (const p of plan.deletes) jobs.push(deleteJob(ctx, p, 'soft-deleted-at-source', fetchedAt, deleted));
  await Promise.all([
    appendJobs(ctx.store, jobs),
    ...rekeys,
    appendRejects(ctx, out.rejected, fetchedAt),
    ...screened.findings.map((f) => recordConflict(ctx, f)),
  ]);
  ctx.index.save(ctx.table, saved);
  return out;
}

/** Appends the jobs' events in one `appendMany`, then settles each failed one on its own. */
async function appendJobs(store: EventStore, jobs: Job[]): Promise<void> {
  if (jobs.length === 0) return;
  const outcomes = await store.appendMany(
    jobs.map((j) => ({
      stream: j.built.stream,
      events: [j.built.event],
      expectedRevision: j.built.expected,
    })),
  );
  const conflicts: Promise<void>[] = [];
  jobs.forEach((job, i) => {
    const ok = written(outcomes[i]!);
    if (ok) job.done(ok);
    else conflicts.push(settleRecord(store, job.built, job.rebuild, outcomes[i]!).then(job.done));
  });
  await Promise.all(conflicts);
}

function deleteJob(
  ctx: StreamContext,
  p: PlannedDelete,
  reason: DatasetRecordDeletedData['reason'],
  fetchedAt: string,
  done: (w: Written, entry: IndexEntry) => void,
): Job {
  const metadata = metadataFor(ctx, p, fetchedAt);
  const d = buildDelete(
    {
      dataset: p.entry.dataset,
      recordKey: p.entry.recordKey,
      subject: p.entry.subject,
      previousVersion: p.entry.version,
      reason,
    },
    metadata,
  );
  return {
    built: { ...d, expected: p.entry.revision },
    rebuild: (head) =>
      head.deleted
        ? null
        : {
            ...buildDelete({ ...d.event.data, previousVersion: head.version }, metadata),
            expected: head.revision,
          },
    done: (w) => done(w, p.entry),
  };
}

/**
 * Splits rejected rows into those to dead-letter and those whose last dead letter has the same
 * print (same content, same reasons): already dead-lettered and counted, by the run that did it.
 */
function rejectedBefore(
  ctx: StreamContext,
  rejected: RejectedRow[],
): { fresh: RejectedRow[]; again: number } {
  if (rejected.length === 0) return { fresh: rejected, again: 0 };
  const before = ctx.index.rejectPrints(
    ctx.table,
    rejected.map((r) => r.sourceKey),
  );
  const fresh = rejected.filter((r) => before.get(r.sourceKey) !== r.print);
  return { fresh, again: rejected.length - fresh.length };
}

/** Dead letters (rows `rejectedBefore` found new): the source key (hashed when personal) and failing paths, never the row's values. */
export async function appendRejects(
  ctx: StreamContext,
  fresh: RejectedRow[],
  fetchedAt: string,
): Promise<void> {
  if (fresh.length === 0) return;
  const events: ConnectorRowRejected[] = fresh.map((r) => ({
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
  await appendAtEnd(ctx.store, deadLetterStream(ctx.connector), events);
  ctx.index.saveRejectPrints(ctx.table, fresh);
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

/** The entries a completed full refresh did not see that it deletes: a row of a record under conflict stays as it is until the conflict is resolved. */
export const unseenToDelete = (ctx: StreamContext, unseen: IndexEntry[]): IndexEntry[] =>
  ctx.conflicts.empty
    ? unseen
    : unseen.filter((e) => !ctx.conflicts.holds(e.dataset, e.recordKey, rowRef(ctx, e.sourceKey)));

/** Deletions found by a completed full refresh: index entries the refresh did not see. */
export async function deleteUnseen(ctx: StreamContext, unseen: IndexEntry[]): Promise<number> {
  const entries = unseenToDelete(ctx, unseen);
  const fetchedAt = ctx.now().toISOString();
  let deleted = 0;
  const saved: IndexEntry[] = [];
  const done = (w: Written, entry: IndexEntry) => {
    if (w.written) deleted++;
    saved.push({ ...entry, revision: w.revision, deleted: true });
  };
  for (let i = 0; i < entries.length; i += UNSEEN_PER_APPEND) {
    const jobs = entries
      .slice(i, i + UNSEEN_PER_APPEND)
      .map((entry) =>
        deleteJob(
          ctx,
          { sourceKey: entry.sourceKey, position: 'missing', entry },
          'missing-from-full-refresh',
          fetchedAt,
          done,
        ),
      );
    await appendJobs(ctx.store, jobs);
  }
  ctx.index.save(ctx.table, saved);
  return deleted;
}
