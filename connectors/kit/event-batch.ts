import { randomBytes } from 'node:crypto';
import {
  HubError,
  StreamNotFoundError,
  SubjectErasedError,
  WrongExpectedRevisionError,
} from '../../hub/kernel/errors/index.js';
import type { EventData } from '../../hub/kernel/event-store.js';
import { deterministicId } from '../../hub/kernel/ids.js';
import type { SubjectKey } from '../../hub/privacy/key-store.js';
import { appendRejects, type BatchOutcome } from './batch.js';
import type { EventTarget } from './event-targets.js';
import { metadataFor, type PreviewRow, type RejectedRow, rejectPrint } from './plan.js';
import type { SourceRow } from './protocol.js';
import type { StreamContext } from './stream-context.js';

/** Namespace of the ids of imported events: UUIDv5 of connector, stream, source key and step. */
const IMPORT_NAMESPACE = '0b6f3c52-8d1e-5b8a-9a43-2f7c1d9e6a10';

/** Where a target stream stands, as this run last read or wrote it. */
interface StreamEntry {
  state: unknown;
  revision: number | 'no_stream';
  /** Ids of the events it holds: a row whose first event is there was imported before. */
  ids: Set<string>;
}

/** Target streams a run has read, kept between batches (a dossier's rows span many batches). */
export class TargetStreams {
  private readonly entries = new Map<string, StreamEntry>();
  constructor(private readonly max = 200_000) {}
  get(stream: string): StreamEntry | undefined {
    return this.entries.get(stream);
  }
  set(stream: string, entry: StreamEntry): void {
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(stream, entry);
  }
  forget(stream: string): void {
    this.entries.delete(stream);
  }
}

const ATTEMPTS = 3;

/** `make`'s value, made at the first call only. */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}

/**
 * One batch of a stream that feeds an event target: map every row, fold each target stream it
 * touches (read once per run, then kept), decide each row's events in source order on top of what
 * the stream holds, append every stream's new events in one `appendMany` (expected revisions), and
 * dead-letter the rows the mapping or the target's decider refuses, with the decider's code and
 * message. A row whose first event id is already in its stream was imported before: unchanged.
 * A stream another writer moved meanwhile is read again and its rows decided again.
 */
export async function processEventBatch(
  ctx: StreamContext,
  target: EventTarget,
  streams: TargetStreams,
  rows: SourceRow[],
  options: { dryRun: boolean; positionOf: (row: SourceRow) => string },
): Promise<BatchOutcome> {
  const fetchedAt = ctx.now().toISOString();
  const out: BatchOutcome = {
    upserted: 0,
    unchanged: 0,
    deleted: 0,
    rejected: [],
    rejectedAgain: 0,
    quarantined: 0,
    lastPosition: 0,
  };
  const preview: PreviewRow[] = [];
  const rejected: RejectedRow[] = [];
  const reject = (sourceKey: string, print: string, issues: RejectedRow['issues']) => {
    rejected.push({ sourceKey, issues, print });
    if (options.dryRun) preview.push({ sourceKey, action: 'reject', issues });
  };
  // A row's print is its content's: a row the decider refused stays refused, whatever its stream
  // holds since, until the row changes (then it is decided again). A print is made only for a row
  // that has an earlier one to compare with, or when the row is refused.
  const before = ctx.index.rejectPrints(
    ctx.table,
    rows.map((r) => String(r[ctx.primaryKey])),
  );
  const mapped: {
    row: SourceRow;
    sourceKey: string;
    print: () => string;
    record: Record<string, unknown>;
    stream: string;
  }[] = [];
  for (const row of rows) {
    const sourceKey = String(row[ctx.primaryKey]);
    const printOf = once(() => rejectPrint(ctx.sealing.versionKey, row, []));
    const earlier = before.get(sourceKey);
    if (earlier !== undefined && earlier === printOf()) {
      out.rejectedAgain++;
      continue;
    }
    const m = ctx.mapper(row);
    if (!m.record) reject(sourceKey, printOf(), m.issues);
    else mapped.push({ row, sourceKey, print: printOf, record: m.record, stream: target.streamOf(m.record) });
  }
  const keys = new SubjectKeys(ctx, options.dryRun);
  let pending = mapped;
  for (let attempt = 1; pending.length > 0; attempt++) {
    await readStreams(ctx, target, streams, pending);
    // The keys the first row of each stream seals under, made at once (one durable transaction);
    // a later row that needs one (its stream's first row refused) gets its own.
    const firsts = new Map<string, (typeof pending)[number]>();
    for (const m of pending) if (!firsts.has(m.stream)) firsts.set(m.stream, m);
    keys.resolve(
      [...firsts.values()].flatMap((m) =>
        target.subjects(m.record, ctx.sealing, streams.get(m.stream)!.state),
      ),
    );
    const appends = new Map<string, { entry: StreamEntry; events: EventData[]; rows: typeof pending }>();
    for (const m of pending) {
      const entry = streams.get(m.stream)!;
      const firstId = once(() => deterministicId(IMPORT_NAMESPACE, ctx.connector, ctx.table, m.sourceKey, 0));
      const eventId = (step: number) =>
        step === 0
          ? firstId()
          : deterministicId(IMPORT_NAMESPACE, ctx.connector, ctx.table, m.sourceKey, step);
      if (entry.ids.size > 0 && entry.ids.has(eventId(0))) {
        out.unchanged++;
        if (options.dryRun) preview.push({ sourceKey: m.sourceKey, action: 'unchanged' });
        continue;
      }
      const row = { sourceKey: m.sourceKey, position: options.positionOf(m.row) };
      const at = String(m.record.at);
      try {
        const decided = target.decide(entry.state, m.record, {
          sealing: ctx.sealing,
          key: (subject) => keys.get(subject),
          rowKey: `${ctx.table}-${m.sourceKey}`,
          meta: (step) => ({
            now: at,
            eventId: eventId(step),
            metadata: metadataFor(ctx, row, fetchedAt, at),
          }),
        });
        if (decided.events.length === 0) {
          out.unchanged++;
          continue;
        }
        const wasNew = entry.revision === 'no_stream' && !appends.has(m.stream);
        entry.state = decided.state;
        for (const e of decided.events) entry.ids.add(e.id);
        const append = appends.get(m.stream) ?? { entry, events: [], rows: [] };
        append.events.push(...decided.events);
        append.rows.push(m);
        appends.set(m.stream, append);
        if (options.dryRun)
          preview.push({
            sourceKey: m.sourceKey,
            action: wasNew ? 'insert' : 'update',
            record: { events: decided.events.map((e) => e.type) },
          });
      } catch (error) {
        if (!(error instanceof HubError)) throw error;
        reject(m.sourceKey, m.print(), [{ path: '/status', message: `${error.code}: ${error.message}` }]);
      }
    }
    pending = [];
    if (options.dryRun) {
      for (const a of appends.values()) out.upserted += a.rows.length;
      break;
    }
    const batch = [...appends.entries()];
    const outcomes = await ctx.store.appendMany(
      batch.map(([stream, a]) => ({ stream, events: a.events, expectedRevision: a.entry.revision })),
    );
    batch.forEach(([stream, a], i) => {
      const o = outcomes[i]!;
      if (o instanceof HubError) {
        // another writer moved the stream: read it again and decide its rows again
        streams.forget(stream);
        if (!(o instanceof WrongExpectedRevisionError) || attempt >= ATTEMPTS) throw o;
        pending.push(...a.rows);
        return;
      }
      a.entry.revision = o.nextExpectedRevision;
      out.upserted += a.rows.length;
      out.lastPosition = Math.max(out.lastPosition, o.position);
    });
  }
  out.rejected = rejected;
  if (options.dryRun) out.preview = preview;
  else await appendRejects(ctx, rejected, fetchedAt);
  return out;
}

/** Reads and folds the target streams of `rows` this run has not read yet. */
async function readStreams(
  ctx: StreamContext,
  target: EventTarget,
  streams: TargetStreams,
  rows: readonly { stream: string }[],
): Promise<void> {
  const missing = [...new Set(rows.map((r) => r.stream))].filter((s) => !streams.get(s));
  await Promise.all(
    missing.map(async (stream) => {
      const events = await ctx.store.readStream(stream).catch((e) => {
        if (e instanceof StreamNotFoundError) return [];
        throw e;
      });
      let state = target.decider.initialState();
      for (const e of events) state = target.decider.evolve(state, e);
      streams.set(stream, {
        state,
        revision: events.at(-1)?.revision ?? 'no_stream',
        ids: new Set(events.map((e) => e.id)),
      });
    }),
  );
}

/**
 * The subject keys a batch's events seal under, created (one durable transaction per call of
 * `resolve`) before any event uses them; a dry run seals under a throwaway key and creates none.
 */
class SubjectKeys {
  private readonly keys = new Map<string, SubjectKey>();
  private readonly erased = new Set<string>();
  private readonly dryRunKey?: SubjectKey;
  constructor(
    private readonly ctx: StreamContext,
    dryRun: boolean,
  ) {
    if (dryRun) this.dryRunKey = { kid: 'dry-run', key: randomBytes(32) } as SubjectKey;
  }
  resolve(subjects: readonly string[]): void {
    const missing = subjects.filter((s) => !this.keys.has(s) && !this.erased.has(s));
    if (missing.length === 0) return;
    if (this.dryRunKey) {
      for (const s of missing) this.keys.set(s, this.dryRunKey);
      return;
    }
    const { keys, erased } = this.ctx.sealing.keys.resolveKeys(missing);
    for (const [s, key] of keys) this.keys.set(s, key);
    for (const s of erased) this.erased.add(s);
  }
  /** The subject's key (made now if no earlier call made it); SubjectErasedError for an erased subject. */
  get(subject: string): SubjectKey {
    if (!this.keys.has(subject)) this.resolve([subject]);
    const key = this.keys.get(subject);
    if (!key) throw new SubjectErasedError(subject);
    return key;
  }
}
