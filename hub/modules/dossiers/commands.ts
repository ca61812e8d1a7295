import type { Command } from '../../kernel/decider/index.js';
import type {
  ComponentResolution,
  DossierDeclarationCompletedData,
  DossierOutcome,
  DossierPrefilledData,
  DossierSubmittedData,
  ObligationKind,
  ProcedureRef,
  ReturnChannel,
  WorkingTime,
} from './events.js';

/** A component resolved together with a submission or a supplement. */
export interface ComponentInput {
  component: string;
  resolution: ComponentResolution;
}

/** A component the citizen provided: the document uploaded (or digitised at the desk) for it. */
export interface ComponentUpload {
  component: string;
  documentId: string;
}

/** The applicant submits (online, by post) or the desk records a submission; the id is allocated before. */
export type SubmitDossier = Command<'SubmitDossier', DossierSubmittedData & { components: ComponentInput[] }>;
/** The desk refuses the dossier at intake (không tiếp nhận), with the reason. */
export type RefuseDossier = Command<'RefuseDossier', { dossierId: string; reason: string; official: string }>;
/** The desk receives the dossier; `appointmentAt` is the legal deadline, computed by the caller. */
export type ReceiveDossier = Command<
  'ReceiveDossier',
  { dossierId: string; official: string; appointmentAt: string }
>;
export type AssignDossier = Command<
  'AssignDossier',
  { dossierId: string; official: string | null; department: string | null }
>;
/** The dossier moves to another competent agency. */
export type TransferDossier = Command<'TransferDossier', { dossierId: string; to: string; reason: string }>;
export type CompleteStep = Command<'CompleteStep', { dossierId: string; step: string; official: string }>;
/** The agency asks for more papers: the processing clock stops. */
export type RequestSupplement = Command<
  'RequestSupplement',
  { dossierId: string; items: string[]; reason: string }
>;
/**
 * The citizen supplied what was asked: the clock resumes. The caller computed, with the deadline
 * calculator, the working time the clock stood still and both dates moved by it.
 */
export type SupplySupplement = Command<
  'SupplySupplement',
  {
    dossierId: string;
    pausedWorkingTime: WorkingTime;
    dueAt: string;
    appointmentAt: string;
    components: ComponentInput[];
  }
>;
export type NotifyFinancialObligation = Command<
  'NotifyFinancialObligation',
  { dossierId: string; obligationId: string; kind: ObligationKind; amountVnd: number }
>;
export type PayFinancialObligation = Command<
  'PayFinancialObligation',
  {
    dossierId: string;
    obligationId: string;
    method: 'online' | 'desk';
    amountVnd: number;
    paymentReference: string;
  }
>;
/** A letter of apology (thư xin lỗi) that sets a new appointment. */
export type IssueApology = Command<
  'IssueApology',
  { dossierId: string; reason: string; appointmentAt: string }
>;
export type ApproveDossier = Command<'ApproveDossier', { dossierId: string; official: string }>;
export type RejectDossier = Command<'RejectDossier', { dossierId: string; official: string; reason: string }>;
export type StopProcessing = Command<'StopProcessing', { dossierId: string; reason: string }>;
export type IssueResult = Command<
  'IssueResult',
  { dossierId: string; electronic: { documentId: string; contentHash: string } | null; paper: boolean }
>;
export type ReturnResult = Command<'ReturnResult', { dossierId: string; channel: ReturnChannel }>;
/** The citizen withdraws the dossier: only its applicant may, only before a decision. */
export type WithdrawDossier = Command<
  'WithdrawDossier',
  { dossierId: string; applicant: string; reason: string | null }
>;
/** The citizen rates the service: once, only after the result was returned. */
export type RateDossier = Command<
  'RateDossier',
  { dossierId: string; applicant: string; score: number; outOf: number }
>;
export type ResolveComponent = Command<'ResolveComponent', { dossierId: string } & ComponentInput>;
/** Records what a prefill read: the values the state supplied (sealed), the fields and components it fills. */
export type RecordPrefill = Command<'RecordPrefill', DossierPrefilledData>;
/**
 * The citizen completed the declaration after a prefill: the hub counted the fields it typed and
 * judged every component (reused, uploaded, asked again) against what the prefill held.
 */
export type CompleteDeclaration = Command<
  'CompleteDeclaration',
  DossierDeclarationCompletedData & { components: ComponentInput[] }
>;
/** On the parent's stream: a dossier of a linked procedure was submitted with this one as parent. */
export type LinkChild = Command<'LinkChild', { dossierId: string; child: string; procedure: ProcedureRef }>;
/** On the parent's stream: a linked dossier's processing ended. */
export type RecordChildCompleted = Command<
  'RecordChildCompleted',
  { dossierId: string; child: string; outcome: DossierOutcome }
>;

export type DossierCommand =
  | SubmitDossier
  | RefuseDossier
  | ReceiveDossier
  | AssignDossier
  | TransferDossier
  | CompleteStep
  | RequestSupplement
  | SupplySupplement
  | NotifyFinancialObligation
  | PayFinancialObligation
  | IssueApology
  | ApproveDossier
  | RejectDossier
  | StopProcessing
  | IssueResult
  | ReturnResult
  | WithdrawDossier
  | RateDossier
  | ResolveComponent
  | RecordPrefill
  | CompleteDeclaration
  | LinkChild
  | RecordChildCompleted;
