import type { ApiContext } from '../../api/graphql/kit/context.js';
import { citizenOf, requireRole } from '../../api/graphql/kit/context.js';
import { statusAt } from './decider.js';
import type { ConsentReadModel, ConsentView } from './projection.js';
import type { ConsentService } from './service.js';

declare module '../../api/graphql/kit/context.js' {
  interface ApiServices {
    /** Consent commands (grant, withdraw). */
    consents: ConsentService;
    /** The `consents` read model. */
    consentModel: ConsentReadModel;
  }
}

const STATUS = {
  active: 'ACTIVE',
  'not-yet-valid': 'PENDING',
  withdrawn: 'WITHDRAWN',
  expired: 'EXPIRED',
  none: 'EXPIRED',
} as const;

const toConsent = (c: ConsentView, now: Date) => ({
  id: c.consentId,
  consumer: c.consumer,
  purposes: c.purposes,
  scope: c.scope,
  dossier: c.dossier,
  validFrom: c.validFrom,
  validUntil: c.validUntil,
  status: STATUS[statusAt(c, now.toISOString())],
  grantedAt: c.grantedAt,
  withdrawnAt: c.withdrawnAt,
  receiptId: c.receiptId,
});

interface GrantArgs {
  input: {
    consumer: string;
    purposes: string[];
    scope: { dataset: string; fields: string[] }[];
    dossier?: string | null;
    validFrom?: string | null;
    validUntil: string;
  };
}

const actorOf = (ctx: ApiContext) => {
  const p = ctx.principal!;
  return {
    actor: { kind: 'agency' as const, id: p.agency, official: p.official },
    correlationId: ctx.requestId,
  };
};

export const consentResolvers = {
  Query: {
    myConsents(_: unknown, __: unknown, ctx: ApiContext) {
      const citizen = citizenOf(requireRole(ctx, 'citizen-portal'));
      const now = ctx.services.clock();
      return ctx.services.consentModel.ofSubject(citizen).map((c) => toConsent(c, now));
    },

    consentsGivenToMe(_: unknown, __: unknown, ctx: ApiContext) {
      const principal = requireRole(ctx, 'consumer');
      const now = ctx.services.clock();
      return ctx.services.consentModel.grantedTo(principal.agency).map((c) => toConsent(c, now));
    },

    consent(_: unknown, args: { id: string }, ctx: ApiContext) {
      const principal = requireRole(ctx, 'citizen-portal', 'consumer');
      const found = ctx.services.consentModel.get(args.id);
      const visible =
        found &&
        (principal.role === 'consumer'
          ? found.consumer === principal.agency
          : found.subject === principal.citizen);
      return visible ? toConsent(found, ctx.services.clock()) : null;
    },
  },

  Mutation: {
    async grantConsent(_: unknown, { input }: GrantArgs, ctx: ApiContext) {
      const citizen = citizenOf(requireRole(ctx, 'citizen-portal'));
      const { consent, receipt } = await ctx.services.consents.grant(actorOf(ctx), {
        subject: citizen,
        consumer: input.consumer,
        purposes: input.purposes,
        scope: input.scope,
        dossier: input.dossier ?? null,
        validFrom: input.validFrom ?? undefined,
        validUntil: input.validUntil,
      });
      return { consent: toConsent(consent, ctx.services.clock()), receipt };
    },

    async withdrawConsent(_: unknown, args: { id: string; reason?: string | null }, ctx: ApiContext) {
      const citizen = citizenOf(requireRole(ctx, 'citizen-portal'));
      const consent = await ctx.services.consents.withdraw(actorOf(ctx), {
        consentId: args.id,
        subject: citizen,
        reason: args.reason ?? null,
      });
      return toConsent(consent, ctx.services.clock());
    },
  },
};
