import type { ApiContext } from '../../api/graphql/kit/context.js';
import { requireRole } from '../../api/graphql/kit/context.js';
import { AuthForbiddenError } from '../../kernel/errors/index.js';
import type { Principal } from '../../kernel/principal.js';
import type { SubmissionChannel } from './events.js';
import { dossierMutations } from './mutations.js';
import { type DossierFilter, getDossier, listDossiers } from './queries.js';
import type { DossierStatus } from './state.js';
import { dossierSubscriptions } from './subscriptions.js';
import { fromEnum, sees, toDossier, toLinked } from './views.js';

interface FilterArgs {
  agency?: string | null;
  procedure?: string | null;
  status?: string[] | null;
  channel?: string | null;
  parent?: string | null;
  submittedFrom?: string | null;
  submittedBefore?: string | null;
  overdue?: boolean | null;
}

/** The filter as asked, narrowed to what the caller may see. */
function scoped(principal: Principal, args: FilterArgs = {}): DossierFilter {
  const filter: DossierFilter = {
    agency: args.agency ?? undefined,
    procedure: args.procedure ?? undefined,
    status: args.status ? args.status.map((s) => fromEnum<DossierStatus>(s)) : undefined,
    channel: args.channel ? fromEnum<SubmissionChannel>(args.channel) : undefined,
    parent: args.parent ?? undefined,
    submittedFrom: args.submittedFrom ?? undefined,
    submittedBefore: args.submittedBefore ?? undefined,
    overdue: args.overdue ?? undefined,
  };
  if (principal.role === 'inspector') return filter;
  if (principal.role === 'citizen-portal') {
    if (!principal.citizen) throw new AuthForbiddenError('the token names no citizen the portal acts for');
    return { ...filter, applicant: principal.citizen };
  }
  if (filter.agency !== undefined && filter.agency !== principal.agency) {
    throw new AuthForbiddenError(`agency ${principal.agency} may list only its own dossiers`);
  }
  return { ...filter, agency: principal.agency };
}

const ANY_ROLE = ['consumer', 'provider', 'citizen-portal', 'inspector', 'operator'] as const;

export const dossierResolvers = {
  Query: {
    dossier(_: unknown, args: { id: string }, ctx: ApiContext) {
      const principal = requireRole(ctx, ...ANY_ROLE);
      const found = getDossier(ctx.services.readModels, args.id, ctx.services.clock());
      return found && sees(principal, found) ? toDossier(found) : null;
    },

    dossiers(
      _: unknown,
      args: { filter?: FilterArgs | null; first?: number | null; after?: string | null },
      ctx: ApiContext,
    ) {
      const principal = requireRole(ctx, ...ANY_ROLE);
      const page = listDossiers(ctx.services.readModels, scoped(principal, args.filter ?? {}), {
        first: args.first ?? undefined,
        after: args.after,
        now: ctx.services.clock(),
      });
      return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: toDossier(e.node) })) };
    },
  },
  Dossier: {
    /** Where each linked dossier stands: whoever sees the parent sees that much of its children. */
    linked(parent: { id: string }, _: unknown, ctx: ApiContext) {
      const page = listDossiers(
        ctx.services.readModels,
        { parent: parent.id },
        { first: 100, now: ctx.services.clock() },
      );
      return page.edges.map((e) => toLinked(e.node)).reverse();
    },
  },
  Mutation: dossierMutations,
  Subscription: dossierSubscriptions,
};
