import type { Clock } from '../../kernel/clock.js';
import { AccessLogAccessNotFoundError, AccessLogInputError } from '../../kernel/errors/index.js';
import type { EventStore } from '../../kernel/event-store.js';
import { type IdSource, randomId } from '../../kernel/ids.js';
import { isLocalDate, localDateOf } from '../../kernel/local-date.js';
import { buildMetadata } from '../../kernel/metadata.js';
import type { Principal } from '../../kernel/principal.js';
import type { Pseudonymizer } from '../../privacy/pseudonym.js';
import { accessStream, type DisclosureDeferred, StreamAppender } from '../access/index.js';
import type { AccessLogQueries } from './queries.js';
import { DATA_USE_OUTCOMES } from './tracker.js';

/** What an inspector defers: one access by its id, or every access of an agency for a purpose. */
export interface DeferDisclosureInput {
  accessId?: string | null;
  personalId?: string | null;
  agency?: string | null;
  purpose?: string | null;
  basis: string;
  until: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const present = (v: string | null | undefined): v is string => v !== undefined && v !== null;

/**
 * Deferred disclosure decided by an inspector (e.g. under a court order): a `DisclosureDeferred` on
 * the citizen's access stream, for one access of the log or for every access of an agency for a
 * purpose, until a day after today.
 */
export class DisclosureDeferrals {
  private readonly appender: StreamAppender;
  private readonly ids: IdSource;

  constructor(
    private readonly deps: {
      store: EventStore;
      queries: AccessLogQueries;
      pseudonymize: Pseudonymizer;
      clock: Clock;
      ids?: IdSource;
    },
  ) {
    this.appender = new StreamAppender(deps.store);
    this.ids = deps.ids ?? randomId;
  }

  async defer(
    principal: Principal,
    input: DeferDisclosureInput,
    requestId: string,
  ): Promise<DisclosureDeferred> {
    const now = this.deps.clock();
    const fail = (name: string, reason: string): never => {
      throw new AccessLogInputError(`input.${name}`, reason);
    };
    if (!isLocalDate(input.until)) fail('until', 'must be a date YYYY-MM-DD');
    if (input.until <= localDateOf(now)) fail('until', 'must be a day after today');
    if (input.basis.trim().length < 3) fail('basis', 'must name the legal text or reference');
    const scoped = [input.personalId, input.agency, input.purpose].filter(present).length;
    let subject: string;
    let target: Pick<DisclosureDeferred['data'], 'accessIds' | 'scope'>;
    if (present(input.accessId)) {
      if (scoped > 0) fail('accessId', 'name an access, or a citizen, agency and purpose, not both');
      if (!UUID.test(input.accessId)) fail('accessId', 'must be the id of an access event');
      const entry = this.deps.queries.entry(input.accessId);
      if (!entry?.subject || !(DATA_USE_OUTCOMES as readonly string[]).includes(entry.outcome)) {
        throw new AccessLogAccessNotFoundError(input.accessId, 'input.accessId');
      }
      subject = entry.subject;
      target = { accessIds: [entry.id], scope: null };
    } else {
      if (scoped === 0) fail('accessId', 'name an access, or a citizen, agency and purpose');
      for (const name of ['personalId', 'agency', 'purpose'] as const) {
        if (!present(input[name])) fail(name, 'is required with a citizen, agency and purpose');
      }
      if (!/^[0-9]{12}$/.test(input.personalId!)) fail('personalId', 'must be 12 digits');
      subject = this.deps.pseudonymize('citizen', input.personalId!);
      target = { accessIds: null, scope: { agency: input.agency!, purpose: input.purpose! } };
    }
    const event: DisclosureDeferred = {
      id: this.ids(),
      type: 'DisclosureDeferred',
      data: {
        subject,
        ...target,
        basis: input.basis,
        until: input.until,
        decidedBy: {
          caller: {
            agency: principal.agency,
            official: principal.official,
            role: principal.role,
            tokenId: principal.tokenId,
          },
        },
      },
      metadata: buildMetadata({
        occurredAt: now,
        actor: { kind: 'agency', id: principal.agency, official: principal.official },
        correlationId: requestId,
      }),
    };
    await this.appender.append(accessStream(subject), event);
    return event;
  }
}
