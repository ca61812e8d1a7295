import type { ApiContext } from '../../api/graphql/kit/context.js';
import { requireRole } from '../../api/graphql/kit/context.js';
import { AuthForbiddenError } from '../../kernel/errors/index.js';
import type { Principal } from '../../kernel/principal.js';
import type { SubmissionChannel } from './events.js';
import {
  type DossierDetail,
  type DossierFilter,
  type DossierSummary,
  getDossier,
  listDossiers,
  type TimelineEntry,
} from './queries.js';
import { type DossierStatus, portalStatusCodes } from './state.js';

/** `awaiting-supplement` ↔ `AWAITING_SUPPLEMENT`. */
const toEnum = (value: string) => value.toUpperCase().replaceAll('-', '_');
const fromEnum = <T extends string>(value: string) => value.toLowerCase().replaceAll('_', '-') as T;

const toEntry = (t: TimelineEntry) => ({
  revision: t.revision,
  eventId: t.eventId,
  type: t.type,
  at: t.at,
  actor: t.actor.id,
  official: t.actor.official,
  status: toEnum(t.status),
  portalStatus: t.portalStatus,
  details: JSON.stringify(t.details),
});

/** A dossier as the API shows it: never the applicant's pseudonym. */
const toDossier = (d: DossierSummary | DossierDetail) => ({
  id: d.dossierId,
  agency: d.agency,
  procedure: d.procedure.code,
  procedureVersion: d.procedure.version,
  status: toEnum(d.status),
  portalStatus: d.portalStatus,
  portalStatusName: portalStatusCodes[d.portalStatus],
  channel: toEnum(d.channel),
  parent: d.parent,
  submittedAt: d.submittedAt,
  receivedAt: d.receivedAt,
  dueAt: d.dueAt,
  appointmentAt: d.appointmentAt,
  pausedAt: d.pausedAt,
  completedAt: d.completedAt,
  endedAt: d.endedAt,
  outcome: d.outcome,
  overdue: d.overdue,
  onceOnly: d.onceOnly,
  children: d.children.total,
  childrenPending: d.children.pending,
  apologies: d.apologies,
  rating: d.rating,
  timeline: 'timeline' in d ? d.timeline.map(toEntry) : [],
});

/** Whether the caller may see this dossier: its agency, its citizen's portal, or an inspector. */
function sees(principal: Principal, d: DossierSummary): boolean {
  if (principal.role === 'inspector') return true;
  if (principal.role === 'citizen-portal') return !!principal.citizen && d.applicant === principal.citizen;
  return d.agency === principal.agency;
}

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
};
