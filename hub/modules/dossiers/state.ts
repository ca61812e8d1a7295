import type { ComponentInput, ComponentUpload } from './commands.js';
import type {
  ComponentResolution,
  DossierEvent,
  DossierOutcome,
  HeldSource,
  ObligationKind,
  ProcedureRef,
  SubmissionChannel,
} from './events.js';

/** The internal statuses of a dossier (README: the lifecycle table). */
export const dossierStatuses = [
  'submitted',
  'refused',
  'received',
  'processing',
  'awaiting-supplement',
  'awaiting-payment',
  'approved',
  'rejected',
  'stopped',
  'result-issued',
  'returned',
  'withdrawn',
] as const;
export type DossierStatus = (typeof dossierStatuses)[number];

/**
 * Status codes of the national public service portal (Cổng Dịch vụ công quốc gia), field
 * `TrangThaiHoSo` of the dossier synchronisation: README "Portal status codes" says where they come
 * from and which mappings are this hub's own reading.
 */
export const portalStatusCodes = {
  1: 'Mới đăng ký',
  2: 'Được tiếp nhận',
  3: 'Không được tiếp nhận',
  4: 'Đang xử lý',
  5: 'Yêu cầu bổ sung giấy tờ',
  6: 'Yêu cầu thực hiện nghĩa vụ tài chính',
  7: 'Công dân yêu cầu rút hồ sơ',
  8: 'Dừng xử lý',
  9: 'Đã xử lý xong',
  10: 'Đã trả kết quả',
} as const;
export type PortalStatusCode = keyof typeof portalStatusCodes;

/** The portal code each internal status is synchronised as. */
export const portalStatusOf: Readonly<Record<DossierStatus, PortalStatusCode>> = {
  submitted: 1,
  refused: 3,
  received: 2,
  processing: 4,
  'awaiting-supplement': 5,
  'awaiting-payment': 6,
  approved: 4,
  rejected: 9,
  stopped: 8,
  'result-issued': 9,
  returned: 10,
  withdrawn: 7,
};

/** Statuses in which processing goes on (the dossier is neither closed nor waiting to be received). */
export const inProcess: ReadonlySet<DossierStatus> = new Set([
  'received',
  'processing',
  'awaiting-supplement',
  'awaiting-payment',
  'approved',
]);

/** Open: submitted and not yet received, or in process (the read model's `open` column). */
export const isOpenStatus = (status: DossierStatus): boolean =>
  status === 'submitted' || inProcess.has(status);

/** Statuses with no way out except rating (returned) or none at all. */
export const closedStatuses: ReadonlySet<DossierStatus> = new Set([
  'refused',
  'rejected',
  'stopped',
  'result-issued',
  'returned',
  'withdrawn',
]);

/** An interval during which the processing clock stood still (a supplement being awaited). */
export interface Pause {
  from: string;
  /** Null while the clock is still stopped. */
  to: string | null;
}

export interface Obligation {
  kind: ObligationKind;
  amountVnd: number;
  paid: boolean;
}

/** A dossier as its stream tells it (no personal data: the applicant is a pseudonym, the declaration stays sealed in the stream). */
export interface DossierState {
  status: DossierStatus;
  dossierId: string;
  /** The competent agency now (it changes on transfer). */
  agency: string;
  /**
   * The agency that took the dossier in: the desk that recorded a desk or postal submission,
   * otherwise the agency that received it (null until then). It may refuse, receive, record
   * supplements and payments and return the result, whichever agency is competent.
   */
  intakeAgency: string | null;
  procedure: ProcedureRef;
  channel: SubmissionChannel;
  applicant: string;
  parent: string | null;
  fields: { prefilled: number; typed: number };
  submittedAt: string;
  receivedAt: string | null;
  /** The legal deadline: the appointment given at reception, moved only by stopped-clock time. */
  dueAt: string | null;
  /** The appointment promised to the citizen: the legal deadline, or later after a letter of apology. */
  appointmentAt: string | null;
  pauses: Pause[];
  /** The status a dossier awaiting a supplement or a payment goes back to. */
  resumeTo: DossierStatus | null;
  decision: 'approved' | 'rejected' | null;
  /** When processing ended with a result or a rejection (what on-time is judged by). */
  completedAt: string | null;
  /** How processing ended, and when (any outcome). */
  outcome: DossierOutcome | null;
  endedAt: string | null;
  returnedAt: string | null;
  obligations: Record<string, Obligation>;
  /** The latest resolution of each component, by component code. */
  components: Record<string, ComponentResolution['kind']>;
  /** What the latest prefill found the state holds, by component code (empty before a prefill). */
  held: Record<string, HeldSource>;
  /** Linked dossiers and their outcome (null while they run). */
  children: Record<string, DossierOutcome | null>;
  apologies: number;
  transfers: number;
  rating: { score: number; outOf: number } | null;
}

export type Dossier = { status: 'none' } | DossierState;

export const initialState = (): Dossier => ({ status: 'none' });

/** When the event happened, as a canonical UTC instant (read models compare these as text). */
const at = (event: DossierEvent) => new Date(event.metadata.occurredAt).toISOString();

/** The agency whose official recorded the event (null when no agency acted). */
const agencyActing = (event: DossierEvent): string | null =>
  event.metadata.actor.kind === 'agency' ? event.metadata.actor.id : null;

/** Ends an open pause at `when`. */
const closePauses = (pauses: Pause[], when: string): Pause[] =>
  pauses.map((p) => (p.to === null ? { ...p, to: when } : p));

function end(state: DossierState, event: DossierEvent, status: DossierStatus, outcome: DossierOutcome) {
  const when = at(event);
  return {
    ...state,
    status,
    outcome,
    endedAt: when,
    completedAt: outcome === 'result-issued' || outcome === 'rejected' ? when : state.completedAt,
    pauses: closePauses(state.pauses, when),
    resumeTo: null,
  };
}

/** Folds one event of the stream; events of other types leave the state as it is. */
export function evolve(state: Dossier, event: DossierEvent): Dossier {
  if (event.type === 'DossierSubmitted') {
    const d = event.data;
    return {
      status: 'submitted',
      dossierId: d.dossierId,
      agency: d.agency,
      intakeAgency: d.channel === 'online' ? null : agencyActing(event),
      procedure: d.procedure,
      channel: d.channel,
      applicant: d.applicant,
      parent: d.parent,
      fields: d.declaration.fields,
      submittedAt: at(event),
      receivedAt: null,
      dueAt: null,
      appointmentAt: null,
      pauses: [],
      resumeTo: null,
      decision: null,
      completedAt: null,
      outcome: null,
      endedAt: null,
      returnedAt: null,
      obligations: {},
      components: {},
      held: {},
      children: {},
      apologies: 0,
      transfers: 0,
      rating: null,
    };
  }
  if (state.status === 'none') return state;
  return evolveExisting(state, event);
}

function evolveExisting(s: DossierState, event: DossierEvent): DossierState {
  switch (event.type) {
    case 'DossierRefused':
      return end(s, event, 'refused', 'refused');
    case 'DossierReceived': {
      const when = event.data.appointmentAt;
      const intakeAgency = s.intakeAgency ?? agencyActing(event);
      return {
        ...s,
        status: 'received',
        intakeAgency,
        receivedAt: at(event),
        dueAt: when,
        appointmentAt: when,
      };
    }
    case 'DossierAssigned':
    case 'DossierStepCompleted':
      return { ...s, status: 'processing' };
    case 'DossierTransferred':
      return { ...s, agency: event.data.to, transfers: s.transfers + 1 };
    case 'DossierSupplementRequested':
      return {
        ...s,
        status: 'awaiting-supplement',
        resumeTo: 'processing',
        pauses: [...s.pauses, { from: at(event), to: null }],
      };
    case 'DossierSupplementSupplied':
      return {
        ...s,
        status: s.resumeTo ?? 'processing',
        resumeTo: null,
        pauses: closePauses(s.pauses, at(event)),
        dueAt: event.data.dueAt,
        appointmentAt: event.data.appointmentAt,
      };
    case 'DossierFinancialObligationNotified': {
      const { obligationId, kind, amountVnd } = event.data;
      return {
        ...s,
        status: 'awaiting-payment',
        resumeTo: s.status,
        obligations: { ...s.obligations, [obligationId]: { kind, amountVnd, paid: false } },
      };
    }
    case 'DossierFinancialObligationPaid': {
      const { obligationId } = event.data;
      const obligation = s.obligations[obligationId];
      if (!obligation) return s;
      const obligations = { ...s.obligations, [obligationId]: { ...obligation, paid: true } };
      const outstanding = Object.values(obligations).some((o) => !o.paid);
      return outstanding
        ? { ...s, obligations }
        : { ...s, obligations, status: s.resumeTo ?? 'processing', resumeTo: null };
    }
    case 'DossierApologyIssued':
      return { ...s, appointmentAt: event.data.appointmentAt, apologies: s.apologies + 1 };
    case 'DossierApproved':
      return { ...s, status: 'approved', decision: 'approved' };
    case 'DossierRejected':
      return { ...end(s, event, 'rejected', 'rejected'), decision: 'rejected' };
    case 'DossierProcessingStopped':
      return end(s, event, 'stopped', 'stopped');
    case 'DossierResultIssued':
      return end(s, event, 'result-issued', 'result-issued');
    case 'DossierResultReturned':
      return { ...s, status: 'returned', returnedAt: at(event) };
    case 'DossierWithdrawn':
      return end(s, event, 'withdrawn', 'withdrawn');
    case 'DossierRated':
      return { ...s, rating: { score: event.data.score, outOf: event.data.outOf } };
    case 'DossierComponentResolved':
      return { ...s, components: { ...s.components, [event.data.component]: event.data.resolution.kind } };
    case 'DossierPrefilled':
      return { ...s, held: Object.fromEntries(event.data.held.map((h) => [h.component, h.source])) };
    case 'DossierDeclarationCompleted':
      return { ...s, fields: event.data.declaration.fields };
    case 'DossierChildLinked':
      return { ...s, children: { ...s.children, [event.data.child]: null } };
    case 'DossierChildCompleted':
      return { ...s, children: { ...s.children, [event.data.child]: event.data.outcome } };
    default:
      return s;
  }
}

/** Linked dossiers whose processing has not ended yet. */
export const pendingChildren = (s: DossierState): string[] =>
  Object.entries(s.children)
    .filter(([, outcome]) => outcome === null)
    .map(([child]) => child);

/** The open pause, if the clock is stopped. */
export const openPause = (s: Pick<DossierState, 'pauses'>): Pause | undefined =>
  s.pauses.find((p) => p.to === null);

/**
 * How the components a citizen provided are resolved, judged against what the dossier's latest
 * prefill found the state holds: a document for a component the state held was asked for again,
 * otherwise it was uploaded. With `reuseHeld`, every held component the citizen did not provide is
 * reused (what completing the declaration records).
 */
export function judgeComponents(
  held: Readonly<Record<string, HeldSource>>,
  uploads: readonly ComponentUpload[],
  reuseHeld = false,
): ComponentInput[] {
  const judged: ComponentInput[] = uploads.map(({ component, documentId }) => {
    const heldAs = held[component];
    return {
      component,
      resolution: heldAs ? { kind: 'asked-again', documentId, heldAs } : { kind: 'uploaded', documentId },
    };
  });
  if (!reuseHeld) return judged;
  const provided = new Set(uploads.map((u) => u.component));
  for (const [component, source] of Object.entries(held)) {
    if (!provided.has(component)) judged.push({ component, resolution: { kind: 'reused', source } });
  }
  return judged;
}
