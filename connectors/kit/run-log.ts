import { StreamNotFoundError } from '../../hub/kernel/errors/index.js';
import type { EventData, EventStore, ExpectedRevision, RecordedEvent } from '../../hub/kernel/event-store.js';
import { buildMetadata } from '../../hub/kernel/metadata.js';
import { type ConnectorRunCompletedData, connectorStream, type StreamState } from './events.js';

export interface RunLogView {
  /** Revision of the connector stream's last event, or 'no_stream'. */
  revision: ExpectedRevision;
  /** Where each source table stands (the next run resumes here). */
  states: Map<string, StreamState>;
  /** The latest run's events, oldest first (started … completed/failed). */
  lastRun: RecordedEvent[];
}

async function readBackwards(store: EventStore, stream: string, from: number | 'end', maxCount: number) {
  try {
    return await store.readStream(stream, { direction: 'backwards', fromRevision: from, maxCount });
  } catch (e) {
    if (e instanceof StreamNotFoundError) return [];
    throw e;
  }
}

/**
 * Reads a connector's stream from the end: the checkpoint of each table is the newest
 * ConnectorRunCheckpointed for it, or the states of the newest ConnectorRunCompleted, whichever
 * comes later; a ConnectorStateReset forgets everything before it.
 */
export async function readRunLog(store: EventStore, connector: string): Promise<RunLogView> {
  const stream = connectorStream(connector);
  const states = new Map<string, StreamState>();
  const lastRun: RecordedEvent[] = [];
  let revision: ExpectedRevision = 'no_stream';
  let from: number | 'end' = 'end';
  let lastRunId: string | undefined;
  let collecting = true;
  for (;;) {
    const page = await readBackwards(store, stream, from, 500);
    if (page.length === 0) break;
    if (revision === 'no_stream') revision = page[0]!.revision;
    for (const e of page) {
      const data = e.data as { runId?: string; state?: StreamState; states?: StreamState[] };
      lastRunId ??= data.runId;
      if (collecting && data.runId === lastRunId) lastRun.unshift(e);
      if (e.type === 'ConnectorRunStarted' && data.runId === lastRunId) collecting = false;
      if (e.type === 'ConnectorStateReset') return { revision, states, lastRun };
      if (e.type === 'ConnectorRunCheckpointed' && data.state && !states.has(data.state.stream)) {
        states.set(data.state.stream, data.state);
      }
      if (e.type === 'ConnectorRunCompleted') {
        for (const s of (e.data as ConnectorRunCompletedData).states)
          if (!states.has(s.stream)) states.set(s.stream, s);
        if (!collecting) return { revision, states, lastRun };
      }
    }
    const oldest = page[page.length - 1]!.revision;
    if (oldest === 0) break;
    from = oldest - 1;
  }
  return { revision, states, lastRun };
}

/** Appends a connector's run events one after another, tracking the stream's revision. */
export class RunLog {
  private revision: ExpectedRevision;
  readonly stream: string;
  constructor(
    private readonly store: EventStore,
    readonly connector: string,
    start: ExpectedRevision,
    private readonly now: () => Date,
  ) {
    this.stream = connectorStream(connector);
    this.revision = start;
  }

  async append<T extends EventData>(
    event: Omit<T, 'metadata'>,
    correlationId: string,
    causationId: string | null,
  ): Promise<void> {
    const metadata = buildMetadata({
      occurredAt: this.now(),
      actor: { kind: 'connector', id: this.connector },
      correlationId,
      causationId,
    });
    const result = await this.store.append(this.stream, [{ ...event, metadata } as EventData], {
      expectedRevision: this.revision,
    });
    this.revision = result.nextExpectedRevision;
  }
}
