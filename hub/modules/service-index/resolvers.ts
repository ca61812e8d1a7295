import type { ApiContext } from '../../api/graphql/kit/context.js';
import { requireRole } from '../../api/graphql/kit/context.js';
import { AuthForbiddenError, ServiceIndexInputError } from '../../kernel/errors/index.js';
import type { CoreFigure } from './contributions.js';
import type { IndexFigures } from './figures.js';
import type { FigureRef, ServiceIndexQueries } from './queries.js';
import { type Scope, scopeLabel } from './scope.js';

declare module '../../api/graphql/kit/context.js' {
  interface ApiServices {
    /** The service index's queries over the read model. */
    serviceIndex: ServiceIndexQueries;
  }
}

interface ScopeArgs {
  agency?: string | null;
  level?: string | null;
  province?: string | null;
}

interface PeriodArgs {
  period: string;
  scope?: ScopeArgs | null;
}

interface FigureArgs extends PeriodArgs {
  indicator?: string | null;
  part?: 'NUMERATOR' | 'DENOMINATOR' | null;
  figure?: string | null;
}

const ROLES = ['consumer', 'provider', 'operator', 'inspector'] as const;

/** The scope asked for, as the caller may see it: an inspector any, an agency only its own. */
function scopeOf(ctx: ApiContext, args: ScopeArgs | null | undefined): Scope {
  const principal = requireRole(ctx, ...ROLES);
  const given = Object.entries(args ?? {}).filter(([, v]) => v !== null && v !== undefined) as [
    keyof ScopeArgs,
    string,
  ][];
  if (given.length > 1)
    throw new ServiceIndexInputError('scope', 'give at most one of agency, level, province');
  const [kind, value] = given[0] ?? [];
  const scope: Scope =
    kind === undefined
      ? principal.role === 'inspector'
        ? { kind: 'all' }
        : { kind: 'agency', organCode: principal.agency }
      : kind === 'level'
        ? { kind: 'level', level: value! }
        : { kind, organCode: value! };
  if (principal.role !== 'inspector' && !(scope.kind === 'agency' && scope.organCode === principal.agency)) {
    throw new AuthForbiddenError(`agency ${principal.agency} may see only its own figures`, ['inspector']);
  }
  return scope;
}

function figureOf(args: FigureArgs): FigureRef {
  if (args.figure && args.indicator)
    throw new ServiceIndexInputError('figure', 'give an indicator or a figure, not both');
  if (args.figure) return { figure: args.figure.toLowerCase().replaceAll('_', '-') as CoreFigure };
  if (!args.indicator)
    throw new ServiceIndexInputError('indicator', 'name an indicator (with part) or a figure');
  return { indicator: args.indicator, part: args.part === 'DENOMINATOR' ? 'denominator' : 'numerator' };
}

const toIndex = (f: IndexFigures) => ({
  method: f.method,
  period: f.period.label,
  scope: scopeLabel(f.scope),
  hierarchyOn: f.hierarchyOn,
  judgedAt: new Date(f.judgedAt).toISOString(),
  totalPoints: f.totalPoints,
  score: f.score,
  measuredPoints: f.measuredPoints,
  groups: f.groups,
  beyond: f.beyond,
  figures: {
    carriedOver: f.core['carried-over'],
    new: f.core.new,
    received: f.core.received,
    finished: f.core.finished,
    inProgress: f.core['in-progress'],
    overdue: f.core.overdue,
  },
});

export const serviceIndexResolvers = {
  Query: {
    serviceIndex: (_: unknown, args: PeriodArgs, ctx: ApiContext) =>
      toIndex(ctx.services.serviceIndex.index(args.period, scopeOf(ctx, args.scope))),
    serviceIndexGroup: (_: unknown, args: PeriodArgs & { group: string }, ctx: ApiContext) =>
      ctx.services.serviceIndex.group(args.period, scopeOf(ctx, args.scope), args.group),
    serviceIndexIndicator: (_: unknown, args: PeriodArgs & { indicator: string }, ctx: ApiContext) =>
      ctx.services.serviceIndex.indicator(args.period, scopeOf(ctx, args.scope), args.indicator),
    serviceIndexDossiers(
      _: unknown,
      args: FigureArgs & { first?: number | null; after?: string | null },
      ctx: ApiContext,
    ) {
      const page = ctx.services.serviceIndex.dossiers(args.period, scopeOf(ctx, args.scope), figureOf(args), {
        first: args.first ?? undefined,
        after: args.after,
      });
      return {
        total: page.total,
        edges: page.edges,
        pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
      };
    },
    serviceIndexDossiersCsv: (_: unknown, args: FigureArgs, ctx: ApiContext) =>
      ctx.services.serviceIndex.csv(args.period, scopeOf(ctx, args.scope), figureOf(args)),
    serviceIndexReconciliation(_: unknown, args: PeriodArgs, ctx: ApiContext) {
      const r = ctx.services.serviceIndex.reconciliation(args.period, scopeOf(ctx, args.scope));
      return { ...r, balanced: r.findings.length === 0 };
    },
  },
};
