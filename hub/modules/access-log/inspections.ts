import { type Clock, systemClock } from '../../kernel/clock.js';
import type { EventStore } from '../../kernel/event-store.js';
import { type IdSource, randomId } from '../../kernel/ids.js';
import { buildMetadata } from '../../kernel/metadata.js';
import type { Principal } from '../../kernel/principal.js';
import { StreamAppender } from '../access/index.js';
import { type InspectionKind, type InspectionPerformed, inspectionStream } from './events.js';

/** One read to record: what was read, about whom, with which filters, how much was returned. */
export interface InspectionRecord {
  kind: InspectionKind;
  /** Keyed pseudonym of the citizen the read was about, or null. */
  subject: string | null;
  /** Filters and arguments as given, personal ID numbers already replaced by their pseudonyms. */
  query: Record<string, unknown>;
  /** Entries or nodes returned. */
  count: number;
  requestId: string;
}

/**
 * The `inspections` service: every read of an inspector (the access log, its export, lineage,
 * data quality, audit material) appended as `InspectionPerformed` on the stream of the inspector's
 * agency, `inspection-<organ code>`, before the answer leaves. Appends to one agency's stream from
 * concurrent requests are queued into one commit (`StreamAppender`).
 */
export class InspectionLog {
  private readonly appender: StreamAppender;
  private readonly clock: Clock;
  private readonly ids: IdSource;

  constructor(store: EventStore, options: { clock?: Clock; ids?: IdSource } = {}) {
    this.appender = new StreamAppender(store);
    this.clock = options.clock ?? systemClock;
    this.ids = options.ids ?? randomId;
  }

  /** Appends one `InspectionPerformed` and returns its event id once it is durably stored. */
  async record(principal: Principal, inspection: InspectionRecord): Promise<string> {
    const event: InspectionPerformed = {
      id: this.ids(),
      type: 'InspectionPerformed',
      data: {
        caller: {
          agency: principal.agency,
          official: principal.official,
          role: principal.role,
          tokenId: principal.tokenId,
        },
        kind: inspection.kind,
        subject: inspection.subject,
        query: inspection.query,
        count: inspection.count,
        requestId: inspection.requestId,
      },
      metadata: buildMetadata({
        occurredAt: this.clock(),
        actor: { kind: 'agency', id: principal.agency, official: principal.official },
        correlationId: inspection.requestId,
      }),
    };
    await this.appender.append(inspectionStream(principal.agency), event);
    return event.id;
  }
}
