import { readEventFields } from '../../kernel/event-fields.js';
import type { EventStore, FieldPath } from '../../kernel/event-store.js';
import type { DatasetDefinition } from '../records/index.js';
import { ACCESS_EVENT_TYPES, ACCESS_STREAM_PREFIX, AccessEventMapper } from './accesses.js';
import type { RunEvent } from './facets.js';
import { RUN_EVENT_TYPES, RUN_STREAM_PREFIX, RunEventMapper } from './runs.js';

/** What an export covers: connector runs, data accesses, or both. */
export const EXPORT_KINDS = ['runs', 'accesses'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

/** The slice of the log an export covers. */
export interface ExportWindow {
  /** Events whose time (`metadata.occurredAt`, the RunEvent's `eventTime`) is at or after this. */
  since?: Date;
  /** … and before this. */
  until?: Date;
  kinds: readonly ExportKind[];
  /** At most this many RunEvents (the first ones in log order). */
  limit?: number;
}

/** The events of a window as the first pass found them: how many, and between which positions. */
export interface ExportPlan {
  count: number;
  /** Where the second pass starts reading (exclusive): a position the log holds, or 0. */
  after: number;
  /** Position of the last event exported (0 when none). */
  last: number;
}

/** Rows of the first pass per read; events of the second per read. */
const PLAN_PAGE = 5_000;
const READ_PAGE = 500;

function filterOf(kinds: readonly ExportKind[]) {
  const types = [
    ...(kinds.includes('runs') ? RUN_EVENT_TYPES : []),
    ...(kinds.includes('accesses') ? ACCESS_EVENT_TYPES : []),
  ];
  const streamPrefixes = [
    ...(kinds.includes('runs') ? [RUN_STREAM_PREFIX] : []),
    ...(kinds.includes('accesses') ? [ACCESS_STREAM_PREFIX] : []),
  ];
  return { types, streamPrefixes };
}

const within = (window: ExportWindow, occurredAt: unknown) => {
  const at = Date.parse(String(occurredAt));
  return (
    (window.since === undefined || at >= window.since.getTime()) &&
    (window.until === undefined || at < window.until.getTime())
  );
};

/**
 * The first pass: reads only each candidate event's time (a fields read, which the embedded store
 * answers without decoding events), up to the log's end as it is now, and counts the events of the
 * window up to the limit. The second pass then reads exactly those, so what an inspection records
 * (the count) is what the export sends, whatever is appended meanwhile.
 */
export async function planExport(store: EventStore, window: ExportWindow): Promise<ExportPlan> {
  const { types, streamPrefixes } = filterOf(window.kinds);
  const upTo = (await store.info()).lastPosition;
  const plan: ExportPlan = { count: 0, after: 0, last: 0 };
  const fields = Object.fromEntries(types.map((t) => [t, ['metadata.occurredAt'] as FieldPath[]]));
  let from = 0;
  for (;;) {
    const page = await readEventFields(store, {
      types: fields,
      streamPrefixes,
      fromPosition: from,
      upTo,
      maxCount: PLAN_PAGE,
    });
    for (const [position, , , occurredAt] of page.rows) {
      if (!within(window, occurredAt)) continue;
      if (plan.count === 0) plan.after = from;
      plan.last = position;
      plan.count += 1;
      if (window.limit !== undefined && plan.count >= window.limit) return plan;
    }
    if (!page.more || page.last <= from) return plan;
    from = page.last;
  }
}

export interface ExportContext {
  store: EventStore;
  /** `LIENTHONG_HUB_ID`: the namespace of the hub's jobs and datasets. */
  hubId: string;
  /** The shared datasets (`schemas/datasets/`), for their schema facets. */
  datasets: ReadonlyMap<string, DatasetDefinition>;
}

/**
 * The RunEvents of a planned window, in log order, read a page at a time (never the whole log in
 * memory): each connector run event and each access event up to the plan's last position whose
 * time is in the window.
 */
export async function* exportEvents(
  context: ExportContext,
  window: ExportWindow,
  plan: ExportPlan,
): AsyncGenerator<RunEvent> {
  if (plan.count === 0) return;
  const { types, streamPrefixes } = filterOf(window.kinds);
  const runs = new RunEventMapper(context.store, context.hubId, context.datasets);
  const accesses = new AccessEventMapper(context.store, context.hubId, context.datasets);
  let from = plan.after;
  let sent = 0;
  for (;;) {
    const page = await context.store.readAll({
      fromPosition: from,
      maxCount: READ_PAGE,
      filter: { eventTypes: types, streamPrefixes },
    });
    for (const event of page) {
      if (event.position > plan.last || sent >= plan.count) return;
      if (!within(window, event.metadata.occurredAt)) continue;
      yield (RUN_EVENT_TYPES as readonly string[]).includes(event.type)
        ? await runs.map(event)
        : await accesses.map(event);
      sent += 1;
    }
    if (page.length < READ_PAGE) return;
    from = page[page.length - 1]!.position;
  }
}
