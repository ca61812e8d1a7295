import { createHmac } from 'node:crypto';
import type { RecordedEvent, SourceProvenance } from '../../hub/kernel/event-store.js';
import {
  comparableValue,
  type DatasetDefinition,
  type DatasetRecordUpsertedData,
  openRecordValues,
} from '../../hub/modules/records/index.js';
import type { NewConflict } from './conflicts.js';
import type { ConflictRow } from './events.js';
import type { Plan, PlannedUpsert } from './plan.js';
import type { SourceRow } from './protocol.js';
import type { Head } from './record-append.js';
import type { StreamContext } from './stream-context.js';

/**
 * Identity conflicts: two source rows under one record key whose identity fields
 * (`x-dataset.identity`, e.g. name and date of birth) differ describe two people, and neither may
 * silently overwrite the other. They are caught where they meet:
 * - in one batch, before anything is appended (`screenBatch`);
 * - across batches and runs, when the second row's append finds the record already written by
 *   another row (its expected revision fails) and the record's identity differs (`againstHead`).
 * A record with an open conflict holds every row for it until an operator resolves it
 * (`ConflictBook`). Values are compared in memory only; findings carry field names and keys.
 */

/** Keyed hash of a personal key value (HMAC with the hub's version key), as dead letters carry it. */
export const keyedHash = (versionKey: Buffer, value: string) =>
  createHmac('sha256', versionKey).update(value).digest('hex').slice(0, 32);

/**
 * How a stream's source keys appear in dead letters, conflicts and listings: as they are, or as a
 * keyed hash when the primary-key column is mapped to a personal field.
 */
export function sourceKeyShown(
  stream: { primaryKey: string },
  mapping: { fields: Record<string, { from: string }> },
  def: DatasetDefinition,
  versionKey: Buffer,
): (value: string) => string {
  const personal = Object.entries(mapping.fields).some(
    ([t, r]) => r.from === stream.primaryKey && def.personalFields.has(t.split('.')[0]!),
  );
  return personal ? (v) => keyedHash(versionKey, v) : (v) => v;
}

/** How a row of this stream is named in conflicts. */
export const rowRef = (ctx: StreamContext, sourceKey: string): ConflictRow => ({
  stream: ctx.table,
  sourceKey: { [ctx.primaryKey]: ctx.deadLetterKey(sourceKey) },
});

/** The source row that wrote a record event, named as `rowRef` names rows (another connector's keys hashed). */
function writerRef(ctx: StreamContext, event: RecordedEvent): ConflictRow {
  const source = event.metadata.source as SourceProvenance | undefined;
  if (!source?.primaryKey || !source.table) return { stream: 'unknown', sourceKey: { eventId: event.id } };
  const ours = source.connector === ctx.connector && source.table === ctx.table;
  const sourceKey = Object.fromEntries(
    Object.entries(source.primaryKey).map(([k, v]) => [
      k,
      ours ? ctx.deadLetterKey(String(v)) : keyedHash(ctx.sealing.versionKey, String(v)),
    ]),
  );
  return {
    ...(source.connector === ctx.connector ? {} : { connector: source.connector }),
    stream: source.table,
    sourceKey,
  };
}

const same = (a: ConflictRow, b: ConflictRow) =>
  a.stream === b.stream &&
  (a.connector ?? null) === (b.connector ?? null) &&
  JSON.stringify(a.sourceKey) === JSON.stringify(b.sourceKey);

/**
 * Identity fields whose values differ between two records of a dataset, compared as
 * `comparableValue` (Unicode NFC, lower case by Vietnamese rules, runs of white space as one space).
 */
export function differingFields(
  identity: readonly string[],
  a: Record<string, unknown>,
  b: Record<string, unknown>,
): string[] {
  return identity.filter((f) => comparableValue(a[f]) !== comparableValue(b[f]));
}

export interface Screened {
  /** Rows held (taken out of the plan). */
  quarantined: number;
  findings: NewConflict[];
}

/**
 * Takes out of a plan the rows that must not reach their record: rows of records under an open
 * conflict or excluded by a resolution, and rows of this batch that share a key with a row of
 * another identity (all of that key's rows are held, one finding for them). Dry-run previews mark
 * held rows `quarantine`.
 */
export function screenBatch(ctx: StreamContext, plan: Plan, rows: readonly SourceRow[]): Screened {
  const { def, conflicts } = ctx;
  const held = new Set<PlannedUpsert>();
  const findings: NewConflict[] = [];
  let quarantined = 0;
  if (!conflicts.empty) {
    for (const p of plan.upserts)
      if (conflicts.holds(def.name, p.identity.recordKey, rowRef(ctx, p.sourceKey))) held.add(p);
    const before = plan.deletes.length;
    plan.deletes = plan.deletes.filter(
      (d) => !conflicts.holds(d.entry.dataset, d.entry.recordKey, rowRef(ctx, d.sourceKey)),
    );
    quarantined += before - plan.deletes.length;
  }
  if (def.identity.length > 0 && plan.upserts.length > 1) {
    const byKey = new Map<string, PlannedUpsert[]>();
    for (const p of plan.upserts) {
      if (held.has(p)) continue;
      const group = byKey.get(p.identity.recordKey);
      if (group) group.push(p);
      else byKey.set(p.identity.recordKey, [p]);
    }
    for (const [recordKey, group] of byKey) {
      if (group.length < 2) continue;
      const records = group.map((p) => p.record ?? ctx.mapper(rows[p.row]!).record!);
      const first = rowRef(ctx, group[0]!.sourceKey);
      for (let j = 1; j < group.length; j++) {
        const other = rowRef(ctx, group[j]!.sourceKey);
        if (conflicts.mayShare(def.name, recordKey, other, first)) continue;
        const fields = differingFields(def.identity, records[0]!, records[j]!);
        if (fields.length === 0) continue;
        findings.push({ dataset: def.name, recordKey, fields, rows: [first, other] });
        for (const p of group) held.add(p);
        break;
      }
    }
  }
  if (held.size > 0) {
    plan.upserts = plan.upserts.filter((p) => !held.has(p));
    for (const p of held) if (plan.preview?.[p.row]) plan.preview[p.row]!.action = 'quarantine';
  }
  return { quarantined: quarantined + held.size, findings };
}

/** The last upsert of a record stream at or before `head` (a deleted record's last content). */
async function lastUpsert(ctx: StreamContext, head: Head): Promise<RecordedEvent | undefined> {
  if (!head.deleted) return head.event;
  const events = await ctx.store.readStream(head.event.stream, {
    direction: 'backwards',
    fromRevision: head.revision,
    maxCount: 50,
  });
  return events.find((e) => e.type === 'DatasetRecordUpserted');
}

/**
 * Whether a row may be written on top of a record another row wrote last: `held` when the record is
 * under a conflict, or when its identity fields differ from the row's (then the conflict is recorded,
 * durably, before this resolves). A record that cannot be opened (its subject erased) counts as
 * differing in every identity field.
 */
export async function againstHead(
  ctx: StreamContext,
  head: Head,
  sourceKey: string,
  record: () => Record<string, unknown>,
): Promise<'ok' | 'held'> {
  const { def, conflicts } = ctx;
  const recordKey = (head.event.data as DatasetRecordUpsertedData).recordKey;
  const me = rowRef(ctx, sourceKey);
  if (conflicts.holds(def.name, recordKey, me)) return 'held';
  if (def.identity.length === 0) return 'ok';
  const upsert = await lastUpsert(ctx, head);
  if (!upsert) return 'ok';
  const writer = writerRef(ctx, upsert);
  if (same(writer, me) || conflicts.mayShare(def.name, recordKey, me, writer)) return 'ok';
  let theirs: Record<string, unknown> | undefined;
  try {
    theirs = openRecordValues(def, upsert.data as DatasetRecordUpsertedData, ctx.sealing.keys);
  } catch {
    theirs = undefined;
  }
  const fields = theirs ? differingFields(def.identity, theirs, record()) : [...def.identity];
  if (fields.length === 0) return 'ok';
  await recordConflict(ctx, { dataset: def.name, recordKey, fields, rows: [writer, me] });
  return 'held';
}

/** Appends a finding (unless its record has an open one already) and logs its id and fields, never values. */
export async function recordConflict(ctx: StreamContext, conflict: NewConflict): Promise<void> {
  const found = await ctx.conflicts.found(conflict, {
    runId: ctx.runId,
    startedEventId: ctx.startedEventId,
    at: ctx.now().toISOString(),
  });
  if (found) {
    ctx.log.warn(
      { conflictId: found.conflictId, dataset: found.dataset, fields: found.fields },
      'identity conflict: rows of two people under one key are held until an operator resolves it',
    );
  }
}
