import { type ApiContext, requireRole } from '../../api/graphql/kit/context.js';
import type { ModuleResolvers } from '../../kernel/module.js';
import type { Principal } from '../../kernel/principal.js';
import type { DatasetQualitySettings } from '../records/index.js';
import type { FindingExample } from './events.js';
import type { DatasetQuality } from './figures.js';
import type { FindingView } from './findings.js';
import type { LiveFigures } from './live.js';
import type { DataQualityQueries } from './queries.js';

declare module '../../api/graphql/kit/context.js' {
  interface ApiServices {
    /** Data-quality figures and findings over the read model `data-quality`. */
    dataQuality: DataQualityQueries;
  }
}

const thresholdsOf = (t: DatasetQualitySettings) => ({
  ...t,
  minOptionalShare: Object.entries(t.minOptionalShare).map(([field, min]) => ({ field, min })),
  untracked: [...t.untracked],
});

const liveOf = (live: LiveFigures | null) =>
  live && {
    ...live,
    lastRun: live.lastRun && {
      runId: live.lastRun.runId,
      at: live.lastRun.startedAt,
      note: live.lastRun.outcome,
    },
    lastSuccess: live.lastSuccess && { ...live.lastSuccess, note: null },
    lastFailure: live.lastFailure && {
      runId: live.lastFailure.runId,
      at: live.lastFailure.at,
      note: live.lastFailure.code,
    },
  };

const exampleOf = (e: FindingExample) => ({ ...e, with: e.with ?? null, dataset: e.dataset ?? null });

/** A finding as the API shows it (enums upper case, the figure now beside the figure raised). */
const findingOf = (
  q: DataQualityQueries,
  f: FindingView,
  memo?: Map<string, Map<string, number | null>>,
) => ({
  ...f,
  dimension: f.dimension.toUpperCase(),
  bound: f.bound.toUpperCase(),
  currentFigure: f.open ? q.currentFigure(f, memo) : null,
  examples: f.examples.map(exampleOf),
});

/** Records an inspector's read of findings through the access-log module, when the hub has it. */
async function inspected(
  q: DataQualityQueries,
  principal: Principal,
  ctx: ApiContext,
  query: Record<string, unknown>,
  count: number,
): Promise<void> {
  await q.inspections?.record(principal, {
    kind: 'data-quality',
    subject: null,
    query,
    count,
    requestId: ctx.requestId,
  });
}

export const dataQualityResolvers: ModuleResolvers = {
  Query: {
    dataQuality(_: unknown, args: { dataset?: string | null }, ctx: ApiContext) {
      requireRole(ctx, 'inspector');
      const q = ctx.services.dataQuality;
      const open = new Map<string, number>();
      for (const c of q.openCounts()) open.set(c.dataset, (open.get(c.dataset) ?? 0) + c.n);
      return q.quality(args.dataset).map((d: DatasetQuality) => ({
        ...d,
        thresholds: thresholdsOf(d.thresholds),
        sources: d.sources.map((s) => ({ ...s, live: liveOf(s.live) })),
        openFindings: open.get(d.dataset) ?? 0,
      }));
    },
    async dataQualityFindings(
      _: unknown,
      args: { open?: boolean | null; first?: number | null; after?: string | null },
      ctx: ApiContext,
    ) {
      const principal = requireRole(ctx, 'inspector');
      const q = ctx.services.dataQuality;
      const page = q.findings(args);
      await inspected(
        q,
        principal,
        ctx,
        { open: args.open ?? null, first: args.first ?? null, after: args.after ?? null },
        page.findings.length,
      );
      const memo = new Map<string, Map<string, number | null>>();
      return { ...page, findings: page.findings.map((f) => findingOf(q, f, memo)) };
    },
    async dataQualityFinding(_: unknown, args: { id: string }, ctx: ApiContext) {
      const principal = requireRole(ctx, 'inspector');
      const q = ctx.services.dataQuality;
      const finding = q.finding(args.id);
      await inspected(q, principal, ctx, { findingId: args.id }, finding ? 1 : 0);
      return finding ? findingOf(q, finding) : null;
    },
  },
};
