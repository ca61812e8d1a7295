import type { Principal } from '../../kernel/principal.js';
import type { DossierChange } from './feed.js';
import type { DossierDetail, DossierSummary, TimelineEntry } from './queries.js';
import { portalStatusCodes, portalStatusOf } from './state.js';

/** `awaiting-supplement` ↔ `AWAITING_SUPPLEMENT`. */
export const toEnum = (value: string) => value.toUpperCase().replaceAll('-', '_');
export const fromEnum = <T extends string>(value: string) => value.toLowerCase().replaceAll('_', '-') as T;

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
export const toDossier = (d: DossierSummary | DossierDetail) => ({
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
  // read when the query selects them (a detail reads them from the read model on first access)
  get intakeAgency() {
    return 'intakeAgency' in d ? d.intakeAgency : null;
  },
  get obligations() {
    return 'obligations' in d
      ? d.obligations.map((o) => ({
          id: o.obligationId,
          kind: toEnum(o.kind),
          amountVnd: o.amountVnd,
          paid: o.paid,
        }))
      : [];
  },
  get timeline() {
    return 'timeline' in d ? d.timeline.map(toEntry) : [];
  },
});

/** A linked dossier as its parent shows it. */
export const toLinked = (d: DossierSummary) => ({
  id: d.dossierId,
  procedure: d.procedure.code,
  agency: d.agency,
  status: toEnum(d.status),
  portalStatus: d.portalStatus,
  portalStatusName: portalStatusCodes[d.portalStatus],
  outcome: d.outcome,
  dueAt: d.dueAt,
  endedAt: d.endedAt,
  overdue: d.overdue,
});

/** A status change as a subscriber gets it: never the applicant's pseudonym nor the intake agency. */
export const toStatusChange = (c: DossierChange) => ({
  dossierId: c.dossierId,
  revision: c.revision,
  eventType: c.eventType,
  at: c.at,
  status: toEnum(c.status),
  previousStatus: c.previousStatus && toEnum(c.previousStatus),
  portalStatus: portalStatusOf[c.status],
  portalStatusName: portalStatusCodes[portalStatusOf[c.status]],
  agency: c.agency,
  procedure: c.procedure.code,
  dueAt: c.dueAt,
  appointmentAt: c.appointmentAt,
});

/**
 * Whether the caller may see this dossier: an agency the dossiers it is competent for (and, with
 * the details, those its desk took in), its citizen's portal, or an inspector.
 */
export function sees(principal: Principal, d: DossierSummary | DossierDetail): boolean {
  if (principal.role === 'inspector') return true;
  if (principal.role === 'citizen-portal') return !!principal.citizen && d.applicant === principal.citizen;
  return d.agency === principal.agency || ('intakeAgency' in d && d.intakeAgency === principal.agency);
}
