import { type ApiContext, citizenOf, currentPrincipal, requireRole } from '../../api/graphql/kit/context.js';
import { AuthForbiddenError } from '../../kernel/errors/index.js';
import type { Principal } from '../../kernel/principal.js';
import { type DossierChange, DossierFeed } from './feed.js';
import { toStatusChange } from './views.js';

/** What a subscription's source yields: a change to send, or the refusal that ends it. */
type Delivery = { change: DossierChange } | { refused: Error };

/** Whether a caller (as it stands when the change is sent) may hear of the change. */
type Rule = (principal: Principal, change: DossierChange) => boolean;

/**
 * The feed's changes a subscriber may hear of, each authorised when it is about to be sent: the
 * connection's token is verified again (expiry, the agency's registration and roles) and `allowed`
 * asked with the caller as it stands then. A refusal is delivered once (the resolver raises it,
 * so it reaches the client with its code) and ends the subscription. `return()` ends it at once.
 */
class Authorised implements AsyncIterableIterator<Delivery> {
  private readonly changes: AsyncIterableIterator<DossierChange>;
  private done = false;

  constructor(
    private readonly ctx: ApiContext,
    prefilter: (change: DossierChange) => boolean,
    private readonly allowed: Rule,
  ) {
    this.changes = DossierFeed.of(ctx.services.readModels).subscribe(prefilter);
  }

  async next(): Promise<IteratorResult<Delivery>> {
    while (!this.done) {
      const next = await this.changes.next();
      if (next.done) break;
      let principal: Principal;
      try {
        principal = await currentPrincipal(this.ctx);
      } catch (error) {
        await this.return();
        return { value: { refused: error as Error }, done: false };
      }
      if (this.allowed(principal, next.value)) return { value: { change: next.value }, done: false };
    }
    return { value: undefined, done: true };
  }

  async return(): Promise<IteratorResult<Delivery>> {
    this.done = true;
    await this.changes.return?.();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** A source that delivers one refusal (its code reaches the client like any error) and ends. */
async function* refusal(error: unknown): AsyncGenerator<Delivery> {
  yield { refused: error as Error };
}

const resolve = (delivery: Delivery) => {
  if ('refused' in delivery) throw delivery.refused;
  return toStatusChange(delivery.change);
};

/** The dossier is one `agency` may act on, or it just left it by a transfer. */
const concerns = (agency: string, c: DossierChange) =>
  c.agency === agency || c.intakeAgency === agency || c.previousAgency === agency;

/** Who may follow an agency's dossiers: the agency itself (any agency role) or an inspector. */
const mayFollow = (principal: Principal, agency: string) =>
  principal.role === 'inspector' || (principal.role !== 'citizen-portal' && principal.agency === agency);

export const dossierSubscriptions = {
  dossierStatusChanged: {
    subscribe(_: unknown, { agency }: { agency: string }, ctx: ApiContext) {
      try {
        const principal = requireRole(ctx, 'consumer', 'provider', 'operator', 'inspector');
        if (!mayFollow(principal, agency)) {
          throw new AuthForbiddenError(`agency ${principal.agency} may follow only its own dossiers`);
        }
      } catch (error) {
        return refusal(error);
      }
      return new Authorised(
        ctx,
        (c) => concerns(agency, c),
        (p, c) => mayFollow(p, agency) && concerns(agency, c),
      );
    },
    resolve,
  },

  myDossierStatusChanged: {
    subscribe(_: unknown, __: unknown, ctx: ApiContext) {
      let citizen: string;
      try {
        citizen = citizenOf(requireRole(ctx, 'citizen-portal'));
      } catch (error) {
        return refusal(error);
      }
      return new Authorised(
        ctx,
        (c) => c.applicant === citizen,
        (p, c) => p.role === 'citizen-portal' && p.citizen === citizen && c.applicant === citizen,
      );
    },
    resolve,
  },
};
