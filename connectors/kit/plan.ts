import { createHmac } from 'node:crypto';
import type { ConnectorIssue } from '../../hub/kernel/errors/index.js';
import type { EventMetadata, SourceProvenance } from '../../hub/kernel/event-store.js';
import { buildMetadata } from '../../hub/kernel/metadata.js';
import {
  buildUpsert,
  type RecordIdentity,
  ROW_ISSUES,
  recordIdentity,
  recordVersion,
} from '../../hub/modules/records/index.js';
import type { SubjectKey } from '../../hub/privacy/key-store.js';
import type { SourceRow } from './protocol.js';
import type { Built } from './record-append.js';
import type { IndexEntry } from './record-index.js';
import type { StreamContext } from './stream-context.js';

/** What planning a batch needs: no store, no index (so a worker thread can do it). */
export type PlanContext = Pick<
  StreamContext,
  | 'connector'
  | 'runId'
  | 'startedEventId'
  | 'system'
  | 'table'
  | 'primaryKey'
  | 'def'
  | 'mapper'
  | 'softDelete'
  | 'sealing'
>;

export interface PlannedUpsert {
  /** Index of the source row in its batch. */
  row: number;
  sourceKey: string;
  position: string;
  entry: IndexEntry | undefined;
  version: string;
  identity: RecordIdentity;
  /** The mapped record (left out when a worker planned the batch: mapped again if ever needed). */
  record?: Record<string, unknown>;
  /** The event on top of `entry`, sealed with a key already durable (set by `sealPlan`). */
  built?: Built;
}

export interface PlannedDelete {
  sourceKey: string;
  position: string;
  entry: IndexEntry;
}

export interface PreviewRow {
  sourceKey: string;
  action: 'insert' | 'update' | 'unchanged' | 'delete' | 'reject' | 'quarantine';
  record?: Record<string, unknown>;
  issues?: ConnectorIssue[];
}

/** A row for the dead-letter stream. */
export interface RejectedRow {
  sourceKey: string;
  issues: ConnectorIssue[];
  /** Keyed hash of the row's content and the reasons: a re-read of the same row is not dead-lettered again. */
  print: string;
}

/** What to do with each row of a batch. */
export interface Plan {
  unchanged: number;
  rejected: RejectedRow[];
  upserts: PlannedUpsert[];
  deletes: PlannedDelete[];
  preview?: PreviewRow[];
}

/** A source row's event metadata: the connector as actor, the run as correlation, the row's provenance. */
export function metadataFor(
  ctx: Pick<PlanContext, 'connector' | 'runId' | 'startedEventId' | 'system' | 'table' | 'primaryKey'>,
  p: { sourceKey: string; position: string },
  fetchedAt: string,
  occurredAt = fetchedAt,
): EventMetadata {
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
    occurredAt,
    actor: { kind: 'connector', id: ctx.connector },
    correlationId: ctx.runId,
    causationId: ctx.startedEventId,
    source,
  });
}

/** A driver's value as JSON can hold it, the same whatever thread produced it (Buffer or Uint8Array). */
const plain = (v: unknown) =>
  typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v;

/** Keyed hash of what makes a dead letter: the row's content (or version) and the reasons. */
export function rejectPrint(
  versionKey: Buffer,
  content: SourceRow | string,
  issues: ConnectorIssue[],
): string {
  const row =
    typeof content === 'string'
      ? content
      : JSON.stringify(
          Object.keys(content)
            .sort()
            .map((k) => [k, plain(content[k])]),
        );
  return createHmac('sha256', versionKey)
    .update(`${row}\u0000${JSON.stringify(issues)}`)
    .digest('hex')
    .slice(0, 32);
}

/** Maps and validates rows, and sorts them into upserts, soft deletes, unchanged and rejected. */
export function planRows(
  ctx: PlanContext,
  rows: readonly SourceRow[],
  entries: ReadonlyMap<string, IndexEntry>,
  positions: readonly string[],
  dryRun: boolean,
): Plan {
  const plan: Plan = { unchanged: 0, rejected: [], upserts: [], deletes: [] };
  if (dryRun) plan.preview = [];
  const { def, sealing } = ctx;
  rows.forEach((row, i) => {
    const sourceKey = String(row[ctx.primaryKey]);
    const entry = entries.get(sourceKey);
    const position = positions[i]!;
    if (ctx.softDelete?.deleted.has(String(row[ctx.softDelete.column]))) {
      if (entry && !entry.deleted) plan.deletes.push({ sourceKey, entry, position });
      else plan.unchanged++;
      plan.preview?.push({ sourceKey, action: entry && !entry.deleted ? 'delete' : 'unchanged' });
      return;
    }
    const { record, issues } = ctx.mapper(row);
    if (!record) {
      plan.rejected.push({ sourceKey, issues, print: rejectPrint(sealing.versionKey, row, issues) });
      plan.preview?.push({ sourceKey, action: 'reject', issues });
      return;
    }
    const version = recordVersion(record, sealing.versionKey);
    if (entry && !entry.deleted && entry.version === version) {
      plan.unchanged++;
      plan.preview?.push({ sourceKey, action: 'unchanged' });
      return;
    }
    const identity = recordIdentity(def, record, sealing);
    plan.upserts.push({ row: i, sourceKey, entry, record, position, version, identity });
    plan.preview?.push({ sourceKey, action: entry && !entry.deleted ? 'update' : 'insert', record });
  });
  return plan;
}

/** Whether a planned upsert moves its source row to another record (its key changed at the source). */
export const rekeyed = (p: PlannedUpsert) =>
  p.entry !== undefined && p.identity.recordKey !== p.entry.recordKey;

/**
 * Creates the subjects' missing keys in one durable transaction, then builds each upsert's event on
 * top of its index entry. Keys are durable before any event sealed with them exists.
 */
export function sealPlan(ctx: PlanContext, plan: Plan, fetchedAt: string): Map<string, SubjectKey> {
  const { def, sealing } = ctx;
  let keys = new Map<string, SubjectKey>();
  if (def.subject) {
    const resolved = sealing.keys.resolveKeys(plan.upserts.map((p) => p.identity.subject!));
    keys = resolved.keys;
    // An erased citizen stays erased: their rows are dead-lettered, never imported again.
    const field = def.subject.field;
    plan.upserts = plan.upserts.filter((p) => {
      if (!resolved.erased.has(p.identity.subject!)) return true;
      const issues = [{ path: `/${field}`, message: ROW_ISSUES.erased }];
      plan.rejected.push({
        sourceKey: p.sourceKey,
        issues,
        print: rejectPrint(sealing.versionKey, p.version, issues),
      });
      return false;
    });
  }
  for (const p of plan.upserts) {
    if (rekeyed(p) || !p.record) continue;
    const b = buildUpsert(def, p.record, {
      sealing,
      previousVersion: p.entry?.version ?? null,
      metadata: metadataFor(ctx, p, fetchedAt),
      key: p.identity.subject ? keys.get(p.identity.subject) : undefined,
      version: p.version,
      identity: p.identity,
    });
    p.built = { stream: b.stream, event: b.event, expected: p.entry ? p.entry.revision : 'no_stream' };
  }
  return keys;
}
