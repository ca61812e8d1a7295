import type { GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import type { ApiContext } from '../../api/graphql/kit/context.js';
import { citizenOf, requireRole } from '../../api/graphql/kit/context.js';
import type { DeferDisclosureInput, DisclosureDeferrals } from './deferrals.js';
import { type AccessLogFilterInput, parseFilter, recordedQuery } from './filter.js';
import type { EntryRow } from './projection.js';
import { type AccessLogQueries, pageSize } from './queries.js';
import type { DataUseTracker } from './tracker.js';

/** What the module's resolvers and routes read and write. */
export interface AccessLogServices {
  queries: AccessLogQueries;
  tracker: DataUseTracker;
  deferrals: DisclosureDeferrals;
}

declare module '../../api/graphql/kit/context.js' {
  interface ApiServices {
    /** The access log's read model, the citizens' data tracker and deferred disclosure. */
    accessLog: AccessLogServices;
  }
}

/** An entry as `AccessEntry` answers it (and the export writes it). */
export function entryView(row: EntryRow) {
  return {
    id: row.id,
    outcome: row.outcome,
    at: row.at,
    subject: row.subject,
    agency: row.agency,
    official: row.official,
    dataset: row.dataset,
    fields: JSON.parse(row.fields) as string[],
    purpose: row.purpose,
    dossier: row.dossier,
    reason: row.reason,
    contractId: row.contract_id,
    contractVersion: row.contract_version,
    consentId: row.consent_id,
    count: row.count,
  };
}

/** Whether the field's selection (fragments included) names `field` at its top level. */
function selects(info: GraphQLResolveInfo, field: string): boolean {
  const visit = (set: SelectionSetNode | undefined): boolean =>
    (set?.selections ?? []).some((s) => {
      if (s.kind === 'Field') return s.name.value === field;
      if (s.kind === 'InlineFragment') return visit(s.selectionSet);
      return visit(info.fragments[s.name.value]?.selectionSet);
    });
  return info.fieldNodes.some((node) => visit(node.selectionSet));
}

export const accessLogResolvers = {
  AccessLogPage: {
    total: (page: { total: () => number }) => page.total(),
  },

  Query: {
    async accessLogSearch(
      _: unknown,
      args: { filter?: AccessLogFilterInput | null; first?: number | null; after?: string | null },
      ctx: ApiContext,
      info: GraphQLResolveInfo,
    ) {
      const principal = requireRole(ctx, 'inspector');
      const filter = parseFilter(args.filter, ctx.services.pseudonymize);
      const first = pageSize(args.first);
      const { queries } = ctx.services.accessLog;
      const page = queries.search(filter, first, args.after);
      // counted now, when asked for, so the entries and the total are read at the same instant
      const total = selects(info, 'total') ? queries.total(filter) : null;
      await ctx.services.inspections.record(principal, {
        kind: 'access-log',
        subject: filter.equals.subject ?? null,
        query: {
          ...recordedQuery(args.filter, filter),
          first,
          ...(args.after ? { after: args.after } : {}),
        },
        count: page.rows.length,
        requestId: ctx.requestId,
      });
      return {
        entries: page.rows.map(entryView),
        nextCursor: page.nextCursor,
        total: () => total ?? queries.total(filter),
      };
    },

    myDataUse(_: unknown, args: { first?: number | null; after?: string | null }, ctx: ApiContext) {
      const subject = citizenOf(requireRole(ctx, 'citizen-portal'));
      return ctx.services.accessLog.tracker.page(subject, pageSize(args.first), args.after);
    },
  },

  Mutation: {
    async deferDisclosure(_: unknown, args: { input: DeferDisclosureInput }, ctx: ApiContext) {
      const principal = requireRole(ctx, 'inspector');
      const event = await ctx.services.accessLog.deferrals.defer(principal, args.input, ctx.requestId);
      const d = event.data;
      return {
        id: event.id,
        subject: d.subject,
        accessIds: d.accessIds,
        agency: d.scope?.agency ?? null,
        purpose: d.scope?.purpose ?? null,
        basis: d.basis,
        until: d.until,
      };
    },
  },
};
