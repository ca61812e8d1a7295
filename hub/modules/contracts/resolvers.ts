import type { ApiContext } from '../../api/graphql/kit/context.js';
import { requireRole } from '../../api/graphql/kit/context.js';
import { newCommandMeta } from '../../kernel/decider/index.js';
import { AuthForbiddenError, ContractNotFoundError } from '../../kernel/errors/index.js';
import { vietnamDate } from '../agencies/index.js';
import { findContracts } from './queries.js';
import { revokeContract } from './service.js';
import type { ContractView, FindContracts } from './types.js';

declare module '../../api/graphql/kit/context.js' {
  interface ApiServices {
    /** Contracts in force for a consumer and dataset on a day (cached until the read model changes). */
    findContracts: FindContracts;
  }
}

export const toContract = (c: ContractView) => ({
  ...c,
  id: c.contractId,
  rateLimitRequests: c.rateLimit.requests,
  rateLimitPerSeconds: c.rateLimit.perSeconds,
});

export const contractResolvers = {
  Query: {
    myContracts(_: unknown, args: { dataset: string }, ctx: ApiContext) {
      const principal = requireRole(ctx, 'consumer');
      return ctx.services
        .findContracts({ consumer: principal.agency, dataset: args.dataset, on: ctx.services.clock() })
        .filter((c) => c.status === 'active')
        .map(toContract);
    },

    contracts(_: unknown, args: { dataset?: string | null }, ctx: ApiContext) {
      const principal = requireRole(ctx, 'provider', 'operator', 'inspector');
      const provider = principal.role === 'provider' ? principal.agency : undefined;
      return findContracts(ctx.services.readModels, { provider, dataset: args.dataset ?? undefined }).map(
        toContract,
      );
    },
  },

  Mutation: {
    async revokeContract(_: unknown, args: { id: string; reason: string }, ctx: ApiContext) {
      const principal = requireRole(ctx, 'provider', 'operator');
      const now = ctx.services.clock();
      const { state: after } = await revokeContract(
        ctx.services.store,
        { contractId: args.id, reason: args.reason, revokedOn: vietnamDate(now) },
        newCommandMeta(
          {
            actor: { kind: 'agency', id: principal.agency, official: principal.official },
            correlationId: ctx.requestId,
          },
          () => now,
        ),
        (state) => {
          if (state.status === 'none') throw new ContractNotFoundError(args.id);
          if (principal.role === 'provider' && state.current.provider !== principal.agency) {
            throw new AuthForbiddenError('only the providing agency or an operator may revoke a contract');
          }
        },
      );
      if (after.status === 'none') throw new ContractNotFoundError(args.id);
      const { digest: _digest, title: _title, ...terms } = after.current;
      return toContract({ ...terms, status: after.status });
    },
  },
};
