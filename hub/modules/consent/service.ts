import type { Logger } from 'pino';
import { type Clock, systemClock } from '../../kernel/clock.js';
import {
  type AggregateState,
  aggregateStream,
  appendedEvents,
  type CommandIssuer,
  handleCommand,
  newCommandMeta,
} from '../../kernel/decider/index.js';
import {
  ConsentConsumerNotInForceError,
  InvalidConsentError,
  WrongExpectedRevisionError,
} from '../../kernel/errors/index.js';
import type { Actor, EventStore } from '../../kernel/event-store.js';
import { type IdSource, randomId } from '../../kernel/ids.js';
import { moduleLogger } from '../../kernel/logger.js';
import { isInForce, vietnamDate } from '../agencies/index.js';
import type { DatasetDefinition } from '../records/index.js';
import type { ConsentCommand } from './commands.js';
import { type Consent, type ConsentStatus, consentDecider, statusAt } from './decider.js';
import { type ConsentScope, consentStream } from './events.js';
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
  clock?: Clock;
  ids?: IdSource;
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
export type CommandActor = CommandIssuer;

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
  private readonly clock: Clock;
  private readonly ids: IdSource;

  constructor(private readonly deps: ConsentServiceDeps) {
    this.log = moduleLogger(deps.logger, 'consent');
    this.clock = deps.clock ?? systemClock;
    this.ids = deps.ids ?? randomId;
  }

  /** The consent as its stream says (authoritative, unlike the read model of another replica). */
  load(consentId: string): Promise<AggregateState<Consent>> {
    return aggregateStream(this.deps.store, consentStream(consentId), consentDecider);
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
    const consentId = this.ids();
    const receiptId = this.ids();
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
    await this.run(consentId, { type: 'GrantConsent', data, meta: this.meta(by, now) });
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
    await this.run(input.consentId, { type: 'WithdrawConsent', data: input, meta: this.meta(by, now) });
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
          meta: this.meta(by, now),
        });
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
      }
    }
    if (expired > 0) this.log.info({ expired }, 'lapsed consents expired');
    return expired;
  }

  private meta(by: CommandActor, now: Date) {
    return newCommandMeta(by, () => now, this.ids);
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

  /**
   * Decides and appends (re-deciding on the new state when another writer got there first), then
   * applies the new events to the read model; returns how many events were written.
   */
  private async run(consentId: string, command: ConsentCommand): Promise<number> {
    const stream = consentStream(consentId);
    const result = await handleCommand(this.deps.store, stream, consentDecider, command);
    if (result.events.length === 0) return 0;
    const recorded = appendedEvents(stream, result, this.clock().toISOString());
    for (const event of recorded) this.deps.model.apply(event);
    return recorded.length;
  }
}

export type { ConsentStatus };

/** Runs the sweeper every `intervalMs` until stopped; a failed sweep is logged and retried next time. */
export function startConsentSweeper(service: ConsentService, logger: Logger, intervalMs = 60_000) {
  const log = moduleLogger(logger, 'consent-sweeper');
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
