import type { EventData } from '../../kernel/event-store.js';
import type { Sealed } from '../../kernel/vocabulary.js';

/** How a dossier reached the agency: through a public service portal, at the one-stop desk, by post. */
export type SubmissionChannel = 'online' | 'desk' | 'postal';
/** How a result reached the citizen. */
export type ReturnChannel = 'online' | 'desk' | 'postal';

/** A procedure (thủ tục hành chính) as the catalogue names it, e.g. `1.001612` version `2024-03`. */
export interface ProcedureRef {
  code: string;
  version: string;
}

/** A span of working time, as the deadline calculator counts it (working days or working hours). */
export interface WorkingTime {
  amount: number;
  unit: 'day' | 'hour';
}

/**
 * Where a component the state already held came from: a shared record's event, or a document (an
 * earlier result, a digitised paper) with, when known, the event that recorded it.
 */
export type HeldSource =
  | { kind: 'record-event'; eventId: string }
  | { kind: 'document'; documentId: string; eventId?: string };

/**
 * How one component (thành phần hồ sơ) of the dossier was satisfied: reused from what the state
 * holds, uploaded by the citizen, or uploaded although the state held it (asked again).
 */
export type ComponentResolution =
  | { kind: 'reused'; source: HeldSource }
  | { kind: 'uploaded'; documentId: string }
  | { kind: 'asked-again'; documentId: string; heldAs: HeldSource };

export interface DossierSubmittedData {
  dossierId: string;
  channel: SubmissionChannel;
  procedure: ProcedureRef;
  /** Organ code of the competent agency. */
  agency: string;
  /** Keyed pseudonym of the applicant (never the personal ID number). */
  applicant: string;
  declaration: {
    /** The declaration form's values, sealed under the applicant's key (context `dossier/<dossierId>`). */
    sealed: Sealed;
    /**
     * How many of its fields (leaf values, dotted paths) came from data the state holds, how many
     * the citizen typed; counted by the hub.
     */
    fields: { prefilled: number; typed: number };
  };
  /** The dossier this one is a linked procedure of, if any. */
  parent: string | null;
}

export interface DossierRefusedData {
  dossierId: string;
  reason: string;
  refusedBy: string;
}

export interface DossierReceivedData {
  dossierId: string;
  /** The official who received the dossier. */
  receivedBy: string;
  /** The appointment date (ngày hẹn trả): the legal deadline, as the receiving command gave it. */
  appointmentAt: string;
}

export interface DossierAssignedData {
  dossierId: string;
  /** The official and/or the department now handling it (at least one). */
  assignee: { official: string | null; department: string | null };
}

export interface DossierTransferredData {
  dossierId: string;
  from: string;
  to: string;
  reason: string;
}

export interface DossierStepCompletedData {
  dossierId: string;
  step: string;
  by: string;
}

export interface DossierSupplementRequestedData {
  dossierId: string;
  items: string[];
  reason: string;
}

export interface DossierSupplementSuppliedData {
  dossierId: string;
  /** When the clock stopped (the request) and the working time it stayed stopped. */
  pausedAt: string;
  pausedWorkingTime: WorkingTime;
  /** The legal deadline and the appointment, each moved by the paused working time. */
  dueAt: string;
  appointmentAt: string;
}

export type ObligationKind = 'fee' | 'charge' | 'tax' | 'other';

export interface DossierFinancialObligationNotifiedData {
  dossierId: string;
  obligationId: string;
  /** `fee` phí, `charge` lệ phí, `tax` thuế. */
  kind: ObligationKind;
  amountVnd: number;
}

export interface DossierFinancialObligationPaidData {
  dossierId: string;
  obligationId: string;
  method: 'online' | 'desk';
  amountVnd: number;
  paymentReference: string;
}

export interface DossierApologyIssuedData {
  dossierId: string;
  reason: string;
  previousAppointmentAt: string;
  appointmentAt: string;
}

export interface DossierDecisionData {
  dossierId: string;
  by: string;
}

export interface DossierRejectedData extends DossierDecisionData {
  reason: string;
}

export interface DossierProcessingStoppedData {
  dossierId: string;
  reason: string;
}

export interface DossierResultIssuedData {
  dossierId: string;
  /** The electronic result (a signed document) and/or a paper one; at least one. */
  electronic: { documentId: string; contentHash: string } | null;
  paper: boolean;
}

export interface DossierResultReturnedData {
  dossierId: string;
  channel: ReturnChannel;
}

export interface DossierWithdrawnData {
  dossierId: string;
  reason: string | null;
}

export interface DossierRatedData {
  dossierId: string;
  score: number;
  /** The top of the scale the citizen rated on (5 for 1–5). */
  outOf: number;
}

export interface DossierComponentResolvedData {
  dossierId: string;
  /** The component's code in the procedure (e.g. `TP1`). */
  component: string;
  resolution: ComponentResolution;
}

/** What the state could fill in a dossier's declaration and which components it holds (once-only prefill). */
export interface DossierPrefilledData {
  dossierId: string;
  /** The values the state supplied (a part of the declaration), sealed under the applicant's key, context `dossier/<dossierId>/prefill`. */
  sealed: Sealed;
  /** The eForm fields the state filled, as dotted paths. */
  fields: string[];
  /** The components the state holds, each with what holds it. */
  held: { component: string; source: HeldSource }[];
  /** The `DataAccessed` events of the reads, in order. */
  accesses: string[];
}

/** The declaration as the citizen completed it after a prefill, with the hub's counts. */
export interface DossierDeclarationCompletedData {
  dossierId: string;
  declaration: DossierSubmittedData['declaration'];
}

export interface DossierChildLinkedData {
  /** The parent dossier (the stream this event is in). */
  dossierId: string;
  child: string;
  procedure: ProcedureRef;
}

/** How a dossier's processing ended, as its parent learns it. */
export type DossierOutcome = 'result-issued' | 'rejected' | 'stopped' | 'refused' | 'withdrawn';

export interface DossierChildCompletedData {
  dossierId: string;
  child: string;
  outcome: DossierOutcome;
}

export type DossierSubmitted = EventData<'DossierSubmitted', DossierSubmittedData>;
export type DossierRefused = EventData<'DossierRefused', DossierRefusedData>;
export type DossierReceived = EventData<'DossierReceived', DossierReceivedData>;
export type DossierAssigned = EventData<'DossierAssigned', DossierAssignedData>;
export type DossierTransferred = EventData<'DossierTransferred', DossierTransferredData>;
export type DossierStepCompleted = EventData<'DossierStepCompleted', DossierStepCompletedData>;
export type DossierSupplementRequested = EventData<
  'DossierSupplementRequested',
  DossierSupplementRequestedData
>;
export type DossierSupplementSupplied = EventData<'DossierSupplementSupplied', DossierSupplementSuppliedData>;
export type DossierFinancialObligationNotified = EventData<
  'DossierFinancialObligationNotified',
  DossierFinancialObligationNotifiedData
>;
export type DossierFinancialObligationPaid = EventData<
  'DossierFinancialObligationPaid',
  DossierFinancialObligationPaidData
>;
export type DossierApologyIssued = EventData<'DossierApologyIssued', DossierApologyIssuedData>;
export type DossierApproved = EventData<'DossierApproved', DossierDecisionData>;
export type DossierRejected = EventData<'DossierRejected', DossierRejectedData>;
export type DossierProcessingStopped = EventData<'DossierProcessingStopped', DossierProcessingStoppedData>;
export type DossierResultIssued = EventData<'DossierResultIssued', DossierResultIssuedData>;
export type DossierResultReturned = EventData<'DossierResultReturned', DossierResultReturnedData>;
export type DossierWithdrawn = EventData<'DossierWithdrawn', DossierWithdrawnData>;
export type DossierRated = EventData<'DossierRated', DossierRatedData>;
export type DossierComponentResolved = EventData<'DossierComponentResolved', DossierComponentResolvedData>;
export type DossierPrefilled = EventData<'DossierPrefilled', DossierPrefilledData>;
export type DossierDeclarationCompleted = EventData<
  'DossierDeclarationCompleted',
  DossierDeclarationCompletedData
>;
export type DossierChildLinked = EventData<'DossierChildLinked', DossierChildLinkedData>;
export type DossierChildCompleted = EventData<'DossierChildCompleted', DossierChildCompletedData>;

export type DossierEvent =
  | DossierSubmitted
  | DossierRefused
  | DossierReceived
  | DossierAssigned
  | DossierTransferred
  | DossierStepCompleted
  | DossierSupplementRequested
  | DossierSupplementSupplied
  | DossierFinancialObligationNotified
  | DossierFinancialObligationPaid
  | DossierApologyIssued
  | DossierApproved
  | DossierRejected
  | DossierProcessingStopped
  | DossierResultIssued
  | DossierResultReturned
  | DossierWithdrawn
  | DossierRated
  | DossierComponentResolved
  | DossierPrefilled
  | DossierDeclarationCompleted
  | DossierChildLinked
  | DossierChildCompleted;

/** Every event type this domain writes (each has a schema in schemas/events/). */
export const eventTypes = [
  'DossierSubmitted',
  'DossierRefused',
  'DossierReceived',
  'DossierAssigned',
  'DossierTransferred',
  'DossierStepCompleted',
  'DossierSupplementRequested',
  'DossierSupplementSupplied',
  'DossierFinancialObligationNotified',
  'DossierFinancialObligationPaid',
  'DossierApologyIssued',
  'DossierApproved',
  'DossierRejected',
  'DossierProcessingStopped',
  'DossierResultIssued',
  'DossierResultReturned',
  'DossierWithdrawn',
  'DossierRated',
  'DossierComponentResolved',
  'DossierPrefilled',
  'DossierDeclarationCompleted',
  'DossierChildLinked',
  'DossierChildCompleted',
] as const satisfies readonly DossierEvent['type'][];

export const DOSSIER_STREAM_CATEGORY = 'dossier';
export const dossierStream = (dossierId: string) => `${DOSSIER_STREAM_CATEGORY}-${dossierId}`;

/**
 * Dossier numbers (mã hồ sơ): `<organ code of the receiving agency>-<yymmdd>-<sequence of the day>`,
 * e.g. `000.04.01.H26-260312-0007`; the day is the submission's calendar day in Vietnam. No
 * personal data, readable over the desk, unique per agency and day.
 */
export const DOSSIER_ID_PATTERN = /^[0-9A-Z]{2,3}(\.[0-9A-Z]{2,3}){2,3}-[0-9]{6}-[0-9]{4,6}$/;

/** `260312` for the day `2026-03-12`. */
export const yymmdd = (day: string) => `${day.slice(2, 4)}${day.slice(5, 7)}${day.slice(8, 10)}`;

export function formatDossierId(agency: string, day: string, sequence: number): string {
  return `${agency}-${yymmdd(day)}-${String(sequence).padStart(4, '0')}`;
}

/** The parts of a dossier number; undefined when it is not one. */
export function parseDossierId(id: string): { agency: string; yymmdd: string; sequence: number } | undefined {
  if (!DOSSIER_ID_PATTERN.test(id)) return undefined;
  const [agency, yymmdd, sequence] = id.split('-') as [string, string, string];
  return { agency, yymmdd, sequence: Number(sequence) };
}

/** The sealing context of a dossier's declaration (bound into the ciphertext with the applicant). */
export const declarationContext = (dossierId: string) => `dossier/${dossierId}`;

/** The sealing context of what a prefill supplied. */
export const prefillContext = (dossierId: string) => `dossier/${dossierId}/prefill`;
