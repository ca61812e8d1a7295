import { randomUUID } from 'node:crypto';
import { StreamNotFoundError } from '../../hub/kernel/errors/index.js';
import type { Actor, EventStore, RecordedEvent } from '../../hub/kernel/event-store.js';
import { buildMetadata } from '../../hub/kernel/metadata.js';
import {
  type ConflictRow,
  type ConnectorConflictResolved,
  type ConnectorConflictResolvedData,
  type ConnectorIdentityConflict,
  type ConnectorIdentityConflictData,
  conflictStream,
} from './events.js';

/** An identity conflict as its stream tells it: the finding and, once an operator decided, the resolution. */
export interface Conflict extends ConnectorIdentityConflictData {
  foundAt: string;
  resolution?: Pick<ConnectorConflictResolvedData, 'resolution' | 'kept' | 'note'> & {
    at: string;
    actor: Actor;
  };
}

/** What a run found: a conflict to record (the book adds the connector, run and id). */
export type NewConflict = Pick<ConnectorIdentityConflictData, 'dataset' | 'recordKey' | 'fields' | 'rows'>;

/** Identity of a row across findings (connector, table, key). */
export const rowId = (r: ConflictRow) =>
  JSON.stringify([r.connector ?? null, r.stream, Object.entries(r.sourceKey).sort()]);

const has = (rows: readonly ConflictRow[], row: ConflictRow) => rows.some((r) => rowId(r) === rowId(row));
const keyOf = (dataset: string, recordKey: string) => `${dataset}/${recordKey}`;

/**
 * A connector's identity conflicts (`conflict-<name>`), read once per run and kept current as the run
 * records new ones. The stream is the truth; a run holds the lock, and so does `resolve`, so nothing
 * else writes it meanwhile.
 */
export class ConflictBook {
  private readonly all: Conflict[] = [];
  private readonly byKey = new Map<string, Conflict[]>();
  private writing: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly store: EventStore,
    readonly connector: string,
    private revision: number | 'no_stream',
  ) {}

  static async load(store: EventStore, connector: string): Promise<ConflictBook> {
    let events: RecordedEvent[] = [];
    try {
      events = await store.readStream(conflictStream(connector));
    } catch (e) {
      if (!(e instanceof StreamNotFoundError)) throw e;
    }
    const book = new ConflictBook(store, connector, events.at(-1)?.revision ?? 'no_stream');
    for (const e of events) book.apply(e);
    return book;
  }

  private apply(e: Pick<RecordedEvent, 'type' | 'data' | 'metadata'>): void {
    if (e.type === 'ConnectorIdentityConflict') {
      const c: Conflict = { ...(e.data as ConnectorIdentityConflictData), foundAt: e.metadata.occurredAt };
      this.all.push(c);
      const key = keyOf(c.dataset, c.recordKey);
      this.byKey.set(key, [...(this.byKey.get(key) ?? []), c]);
    } else if (e.type === 'ConnectorConflictResolved') {
      const d = e.data as ConnectorConflictResolvedData;
      const c = this.all.find((x) => x.conflictId === d.conflictId);
      if (c) {
        c.resolution = {
          resolution: d.resolution,
          kept: d.kept,
          ...(d.note ? { note: d.note } : {}),
          at: e.metadata.occurredAt,
          actor: e.metadata.actor,
        };
      }
    }
  }

  get empty(): boolean {
    return this.all.length === 0;
  }

  /** Every conflict, oldest first. */
  list(): readonly Conflict[] {
    return this.all;
  }

  /** The conflict on a record still waiting for an operator, if any. */
  open(dataset: string, recordKey: string): Conflict | undefined {
    return this.byKey.get(keyOf(dataset, recordKey))?.find((c) => !c.resolution);
  }

  /**
   * Whether a row must stay out of a record: the record has an open conflict (every row for it is
   * held), or a resolution kept other rows of a conflict this row was part of.
   */
  holds(dataset: string, recordKey: string, row: ConflictRow): boolean {
    for (const c of this.byKey.get(keyOf(dataset, recordKey)) ?? []) {
      if (!c.resolution) return true;
      if (has(c.rows, row) && !has(c.resolution.kept, row)) return true;
    }
    return false;
  }

  /** Whether an operator let `row` write a record whose last writer was `other`, whatever they hold. */
  mayShare(dataset: string, recordKey: string, row: ConflictRow, other: ConflictRow): boolean {
    return (this.byKey.get(keyOf(dataset, recordKey)) ?? []).some(
      (c) => c.resolution && has(c.resolution.kept, row) && has(c.rows, other),
    );
  }

  /**
   * Records a conflict found by a run, unless the record already has an open one (then nothing is
   * appended: the row is simply held). The book knows of it at once; the promise resolves once the
   * event is durable.
   */
  async found(
    conflict: NewConflict,
    run: { runId: string; startedEventId: string; at: string },
  ): Promise<Conflict | undefined> {
    if (this.open(conflict.dataset, conflict.recordKey)) return undefined;
    const event: ConnectorIdentityConflict = {
      id: randomUUID(),
      type: 'ConnectorIdentityConflict',
      data: { connector: this.connector, runId: run.runId, conflictId: randomUUID(), ...conflict },
      metadata: buildMetadata({
        occurredAt: run.at,
        actor: { kind: 'connector', id: this.connector },
        correlationId: run.runId,
        causationId: run.startedEventId,
      }),
    };
    this.apply(event);
    await this.append(event);
    return this.all.at(-1);
  }

  /** Records an operator's resolution of an open conflict. */
  async resolve(
    conflict: Conflict,
    decision: Pick<ConnectorConflictResolvedData, 'resolution' | 'kept' | 'note'>,
    actor: Actor,
    at: Date,
  ): Promise<void> {
    const correlationId = randomUUID();
    const event: ConnectorConflictResolved = {
      id: randomUUID(),
      type: 'ConnectorConflictResolved',
      data: {
        connector: this.connector,
        conflictId: conflict.conflictId,
        dataset: conflict.dataset,
        recordKey: conflict.recordKey,
        resolution: decision.resolution,
        kept: decision.kept,
        ...(decision.note ? { note: decision.note } : {}),
      },
      metadata: buildMetadata({ occurredAt: at, actor, correlationId }),
    };
    await this.append(event);
    this.apply(event);
  }

  /** Appends one event after those already being written, at the revision the book expects. */
  private append(event: ConnectorIdentityConflict | ConnectorConflictResolved): Promise<void> {
    const next = this.writing.then(async () => {
      const r = await this.store.append(conflictStream(this.connector), [event], {
        expectedRevision: this.revision,
      });
      this.revision = r.nextExpectedRevision;
    });
    this.writing = next.catch(() => undefined);
    return next;
  }
}
