import type { ApiContext } from '../../api/graphql/kit/context.js';
import { requireRole } from '../../api/graphql/kit/context.js';
import { LineageNotFoundError } from '../../kernel/errors/index.js';
import { checkPersonalId } from '../access/index.js';
import type { InspectionLog } from '../access-log/index.js';
import type { LineageGraph } from './graph.js';
import type { LineageQueries } from './queries.js';

/** What the resolvers use: the walks, and the record of inspections when the hub keeps one. */
export interface LineageService {
  queries: LineageQueries;
  inspections: InspectionLog | undefined;
}

declare module '../../api/graphql/kit/context.js' {
  interface ApiServices {
    /** Lineage walks for inspectors (hub/modules/lineage). */
    lineage: LineageService;
  }
}

type Depth = { depth?: number | null };

/**
 * Runs one lineage query for an inspector and records it (`kind: 'lineage'`, the nodes returned
 * as `count`) before the answer leaves; a query that found nothing is recorded too (count 0), since
 * the inspector learnt that much. Refused input (BAD_USER_INPUT) read nothing and is not recorded.
 */
async function inspected(
  ctx: ApiContext,
  query: Record<string, unknown>,
  subject: string | null,
  run: (queries: LineageQueries) => Promise<LineageGraph>,
): Promise<LineageGraph> {
  const principal = requireRole(ctx, 'inspector');
  const { queries, inspections } = ctx.services.lineage;
  const record = (count: number, about: string | null) =>
    inspections?.record(principal, {
      kind: 'lineage',
      subject: about,
      query,
      count,
      requestId: ctx.requestId,
    });
  let graph: LineageGraph;
  try {
    graph = await run(queries);
  } catch (error) {
    if (error instanceof LineageNotFoundError) await record(0, subject);
    throw error;
  }
  await record(graph.nodes.length, graph.subject ?? subject);
  return graph;
}

export const lineageResolvers = {
  Query: {
    lineageOfField(
      _: unknown,
      args: { personalId: string; field: string; dataset?: string | null } & Depth,
      ctx: ApiContext,
    ) {
      requireRole(ctx, 'inspector');
      checkPersonalId(args.personalId);
      const subject = ctx.services.pseudonymize('citizen', args.personalId);
      const dataset = args.dataset ?? null;
      const query = {
        operation: 'lineageOfField',
        subject,
        field: args.field,
        dataset,
        depth: args.depth ?? null,
      };
      return inspected(ctx, query, subject, (q) => q.ofField(subject, args.field, dataset, args.depth));
    },
    lineageOfAccess(_: unknown, args: { accessId: string } & Depth, ctx: ApiContext) {
      const query = { operation: 'lineageOfAccess', accessId: args.accessId, depth: args.depth ?? null };
      return inspected(ctx, query, null, (q) => q.ofAccess(args.accessId, args.depth));
    },
    lineageOfDossier(_: unknown, args: { dossier: string } & Depth, ctx: ApiContext) {
      const query = { operation: 'lineageOfDossier', dossier: args.dossier, depth: args.depth ?? null };
      return inspected(ctx, query, null, (q) => q.ofDossier(args.dossier, args.depth));
    },
    lineageOfDocument(_: unknown, args: { documentId: string } & Depth, ctx: ApiContext) {
      const query = {
        operation: 'lineageOfDocument',
        documentId: args.documentId,
        depth: args.depth ?? null,
      };
      return inspected(ctx, query, null, (q) => q.ofDocument(args.documentId, args.depth));
    },
    lineageExpand(_: unknown, args: { node: string } & Depth, ctx: ApiContext) {
      const query = { operation: 'lineageExpand', node: args.node, depth: args.depth ?? null };
      return inspected(ctx, query, null, (q) => q.expand(args.node, args.depth));
    },
  },
};
