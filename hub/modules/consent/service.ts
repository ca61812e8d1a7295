import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  ConsentConsumerNotInForceError,
  InvalidConsentError,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from '../../kernel/errors/index.js';
import type { Actor, EventStore, RecordedEvent } from '../../kernel/event-store.js';
import { buildMetadata } from '../../kernel/metadata.js';
import { isInForce, vietnamDate } from '../agencies/index.js';
import type { DatasetDefinition } from '../records/index.js';
import { type Consent, type ConsentCommand, type ConsentStatus, decide, fold, statusAt } from './decider.js';
import { type ConsentEvent, type ConsentScope, consentStream } from './events.js';
import type { ConsentReadModel, ConsentView } from './projection.js';
import { type HubSigningKey, signConsentReceipt } from './receipt.js';

export interface ConsentServiceDeps {
  store: EventStore;
  model: ConsentReadModel;
  datasets: ReadonlyMap<string, DatasetDefinition>;
  signingKey: HubSigningKey;
  /** `iss` of consent receipts (the hub's public base URL or name). */
  issuer: string;
  logger: Logger;
  /** The registered agency with this organ code (the `agencies` read model), to check the consumer. */
  findAgency: (organCode: string) => { validFrom: string; validUntil?: string } | undefined;
  clock?: () => Date;
  newId?: () => string;
}

export interface GrantConsentInput {
  subject: string;
  consumer: string;
  purposes: string[];
  scope: ConsentScope[];
  dossier: string | null;
  validFrom?: string;
  validUntil: string;
}

/** The citizen portal acting for a citizen, or the hub itself (sweeper). */
export interface CommandActor {
  actor: Actor;
  correlationId: string;
}

const iso = (value: string, name: string) => {
  const t = Date.parse(value);
  if (Number.isNaN(t))
    throw new InvalidConsentError(`${name} must be an ISO-8601 date-time`, `input.${name}`);
  return new Date(t).toISOString();
};

/**
 * Runs consent commands: reads the consent stream, decides, appends with the expected revision,
 * then applies the new events to the `consents` read model at once so that the next query sees them.
 */
export class ConsentService {
  private readonly log: Logger;
  private readonly clock: () => Date;
  private readonly newId: () => string;

  constructor(private readonly deps: ConsentServiceDeps) {
    this.log = deps.logger.child({ module: 'consent' });
    this.clock = deps.clock ?? (() => new Date());
    this.newId = deps.newId ?? randomUUID;
  }

  /** The consent as its stream says (authoritative, unlike the read model of another replica). */
  async load(consentId: string): Promise<{ state: Consent; events: RecordedEvent[] }> {
    try {
      const events = await this.deps.store.readStream(consentStream(consentId));
      return { state: fold(events), events };
    } catch (error) {
      if (error instanceof StreamNotFoundError) return { state: fold([]), events: [] };
      throw error;
    }
  }

  /**
   * The status at `now`, checked against the consent stream: when another writer (another hub
   * replica) appended to it after the revision the read model reflects, the stream is folded and the
   * read model refreshed; otherwise the read model's row is current. The common case reads nothing
   * but the stream's index.
   */
  async verify(view: ConsentView, now: string): Promise<ReturnType<typeof statusAt>> {
    const newer = await this.deps.store.readStream(consentStream(view.consentId), {
      fromRevision: view.revision + 1,
      maxCount: 1,
    });
    if (newer.length === 0) return statusAt(view, now);
    const { state, events } = await this.load(view.consentId);
    for (const e of events) this.deps.model.apply(e);
    return statusAt(state, now);
  }

  async grant(
    by: CommandActor,
    input: GrantConsentInput,
  ): Promise<{ consent: ConsentView; receipt: string }> {
    this.checkScope(input.scope);
    const now = this.clock();
    this.checkConsumer(input.consumer, now);
    const consentId = this.newId();
    const receiptId = this.newId();
    if (!by.actor.official) throw new InvalidConsentError('the acting official is required');
    const data = {
      consentId,
      subject: input.subject,
      consumer: input.consumer,
      purposes: [...new Set(input.purposes)],
      scope: input.scope.map((s) => ({ dataset: s.dataset, fields: [...new Set(s.fields)] })),
      dossier: input.dossier,
      validFrom: input.validFrom ? iso(input.validFrom, 'validFrom') : now.toISOString(),
      validUntil: iso(input.validUntil, 'validUntil'),
      collectedBy: { agency: by.actor.id, official: by.actor.official },
      receiptId,
    };
    await this.run(consentId, { type: 'GrantConsent', data, context: this.context(by, now) });
    const receipt = await signConsentReceipt(this.deps.signingKey, data, {
      issuer: this.deps.issuer,
      issuedAt: now,
    });
    this.log.info({ consentId, consumer: input.consumer }, 'consent granted');
    return { consent: this.deps.model.get(consentId)!, receipt };
  }

  async withdraw(
    by: CommandActor,
    input: { consentId: string; subject: string; reason: string | null },
  ): Promise<ConsentView> {
    const now = this.clock();
    await this.run(input.consentId, { type: 'WithdrawConsent', data: input, context: this.context(by, now) });
    this.log.info({ consentId: input.consentId }, 'consent withdrawn');
    return this.deps.model.get(input.consentId)!;
  }

  /** Appends ConsentExpired for every lapsed consent still marked active. Safe to run anywhere, any time. */
  async expireLapsed(): Promise<number> {
    const now = this.clock();
    let expired = 0;
    for (const consentId of this.deps.model.lapsed(now.toISOString())) {
      const by = { actor: { kind: 'system', id: 'consent-sweeper' } as Actor, correlationId: consentId };
      try {
        expired += await this.run(consentId, {
          type: 'ExpireConsent',
          data: { consentId },
          context: this.context(by, now),
        });
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
      }
    }
    if (expired > 0) this.log.info({ expired }, 'lapsed consents expired');
    return expired;
  }

  private context(by: CommandActor, now: Date) {
    return {
      now: now.toISOString(),
      eventId: this.newId(),
      metadata: buildMetadata({ occurredAt: now, actor: by.actor, correlationId: by.correlationId }),
    };
  }

  private checkConsumer(consumer: string, now: Date): void {
    const agency = this.deps.findAgency(consumer);
    const today = vietnamDate(now);
    if (!agency || !isInForce(agency, today))
      throw new ConsentConsumerNotInForceError(consumer, !!agency, today);
  }

  private checkScope(scope: ConsentScope[]): void {
    scope.forEach((s, i) => {
      const def = this.deps.datasets.get(s.dataset);
      if (!def) throw new InvalidConsentError(`unknown dataset ${s.dataset}`, `input.scope[${i}].dataset`);
      const unknown = s.fields.filter((f) => !def.fields.includes(f));
      if (unknown.length > 0)
        throw new InvalidConsentError(
          `unknown fields of ${s.dataset}: ${unknown.join(', ')}`,
          `input.scope[${i}].fields`,
        );
    });
  }

  /** Decides and appends; returns how many events were written. */
  private async run(consentId: string, command: ConsentCommand): Promise<number> {
    const { state, events: history } = await this.load(consentId);
    const events: ConsentEvent[] = decide(command, state);
    if (events.length === 0) return 0;
    const stream = consentStream(consentId);
    const expected = history.length === 0 ? 'no_stream' : history.at(-1)!.revision;
    const result = await this.deps.store.append(stream, events, { expectedRevision: expected });
    const first = result.nextExpectedRevision - events.length + 1;
    const recordedAt = new Date().toISOString();
    events.forEach((event, i) => {
      this.deps.model.apply({ ...event, stream, revision: first + i, position: result.position, recordedAt });
    });
    return events.length;
  }
}

export type { ConsentStatus };

/** Runs the sweeper every `intervalMs` until stopped; a failed sweep is logged and retried next time. */
export function startConsentSweeper(service: ConsentService, logger: Logger, intervalMs = 60_000) {
  const log = logger.child({ module: 'consent-sweeper' });
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = service.expireLapsed().catch((error) => log.error({ err: error }, 'consent sweep failed'));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
