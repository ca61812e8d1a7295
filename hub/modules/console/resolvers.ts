import { type ApiContext, requireRole } from '../../api/graphql/kit/context.js';
import { roles } from '../../kernel/principal.js';
import { getAgency } from '../agencies/index.js';

/** `whoAmI`: the verified caller, with its agency's registered names. */
export const consoleResolvers = {
  Query: {
    whoAmI: (_: unknown, _args: unknown, ctx: ApiContext) => {
      const principal = requireRole(ctx, ...roles);
      const agency = getAgency(ctx.services.readModels, principal.agency);
      return {
        agency: principal.agency,
        agencyName: agency?.name ?? null,
        agencyEnglishName: agency?.englishName ?? null,
        official: principal.official,
        role: principal.role,
        expiresAt: new Date(principal.expiresAt * 1000).toISOString(),
      };
    },
  },
};
