import { defineError } from './base.js';

// ── Dossiers (hồ sơ thủ tục hành chính) ────────────────────────────────────────────────────────

export class DossierNotFoundError extends defineError({
  code: 'DOSSIER_NOT_FOUND',
  status: 404,
  args: (dossierId: string) => ({ dossierId }),
  message: (d) => `dossier ${d.dossierId} not found`,
}) {}

export class DossierAlreadyExistsError extends defineError({
  code: 'DOSSIER_ALREADY_EXISTS',
  status: 409,
  args: (dossierId: string) => ({ dossierId }),
  message: (d) => `dossier ${d.dossierId} already exists`,
}) {}

/** The command is not allowed in the dossier's current status (e.g. approving a withdrawn dossier). */
export class DossierInvalidTransitionError extends defineError({
  code: 'DOSSIER_INVALID_TRANSITION',
  status: 409,
  args: (dossierId: string, dossierStatus: string, command: string) => ({
    dossierId,
    dossierStatus,
    command,
  }),
  message: (d) => `dossier ${d.dossierId} is ${d.dossierStatus}: ${d.command} is not allowed`,
  expose: (d) => ({ dossierId: d.dossierId, status: d.dossierStatus, command: d.command }),
}) {}

/** A command's input is malformed or contradicts the dossier (a date before another, a score off the scale). */
export class DossierInvalidInputError extends defineError({
  code: 'DOSSIER_INVALID',
  status: 400,
  args: (
    reason: string,
    /** The input field at fault, e.g. `input.appointmentAt`. */
    field: string,
  ) => ({ reason, field }),
  message: (d) => `invalid dossier input at ${d.field}: ${d.reason}`,
}) {}

export class DossierAlreadyRatedError extends defineError({
  code: 'DOSSIER_ALREADY_RATED',
  status: 409,
  args: (dossierId: string) => ({ dossierId }),
  message: (d) => `dossier ${d.dossierId} has already been rated`,
}) {}

export class DossierObligationNotFoundError extends defineError({
  code: 'DOSSIER_OBLIGATION_NOT_FOUND',
  status: 404,
  args: (dossierId: string, obligationId: string) => ({ dossierId, obligationId }),
  message: (d) => `dossier ${d.dossierId} has no financial obligation ${d.obligationId}`,
}) {}

export class DossierObligationAlreadyPaidError extends defineError({
  code: 'DOSSIER_OBLIGATION_ALREADY_PAID',
  status: 409,
  args: (dossierId: string, obligationId: string) => ({ dossierId, obligationId }),
  message: (d) => `financial obligation ${d.obligationId} of dossier ${d.dossierId} is already paid`,
}) {}

/** A payment of another amount than the obligation notified. */
export class DossierPaymentAmountMismatchError extends defineError({
  code: 'DOSSIER_PAYMENT_AMOUNT_MISMATCH',
  status: 400,
  args: (dossierId: string, obligationId: string, expectedVnd: number, paidVnd: number) => ({
    dossierId,
    obligationId,
    expectedVnd,
    paidVnd,
  }),
  message: (d) =>
    `payment of ${d.paidVnd} VND does not match obligation ${d.obligationId} of dossier ${d.dossierId} (${d.expectedVnd} VND)`,
  expose: (d) => ({ ...d, field: 'input.amountVnd' }),
}) {}

/** A parent dossier cannot complete while a linked child dossier has not completed. */
export class DossierChildrenPendingError extends defineError({
  code: 'DOSSIER_CHILDREN_PENDING',
  status: 409,
  args: (dossierId: string, pending: string[]) => ({ dossierId, pending }),
  message: (d) => `dossier ${d.dossierId} waits for linked dossiers ${d.pending.join(', ')}`,
}) {}

export class DossierChildNotLinkedError extends defineError({
  code: 'DOSSIER_CHILD_NOT_LINKED',
  status: 404,
  args: (dossierId: string, child: string) => ({ dossierId, child }),
  message: (d) => `dossier ${d.child} is not linked to dossier ${d.dossierId}`,
}) {}

export class DossierProcedureUnknownError extends defineError({
  code: 'DOSSIER_PROCEDURE_UNKNOWN',
  status: 400,
  args: (procedure: string, version: string | null) => ({ procedure, version }),
  message: (d) => `unknown procedure ${d.procedure}${d.version ? ` version ${d.version}` : ''}`,
  expose: (d) => ({ ...d, field: 'input.procedure' }),
}) {}

export class DossierComponentUnknownError extends defineError({
  code: 'DOSSIER_COMPONENT_UNKNOWN',
  status: 400,
  args: (procedure: string, component: string, field: string) => ({ procedure, component, field }),
  message: (d) => `procedure ${d.procedure} has no component ${d.component}`,
}) {}

/** A page cursor that this hub did not hand out (or a page size out of range). */
export class DossierCursorInvalidError extends defineError({
  code: 'DOSSIER_CURSOR_INVALID',
  status: 400,
  args: (reason: string, field: string) => ({ reason, field }),
  message: (d) => `invalid page request at ${d.field}: ${d.reason}`,
}) {}

/** No free dossier number was found for the agency and day within the attempts allowed. */
export class DossierNumberUnavailableError extends defineError({
  code: 'DOSSIER_NUMBER_UNAVAILABLE',
  status: 503,
  args: (agency: string, day: string, attempts: number) => ({ agency, day, attempts }),
  message: (d) => `no free dossier number for ${d.agency} on ${d.day} after ${d.attempts} attempts`,
  retryable: true,
}) {}

/**
 * No procedure catalogue is wired into the dossier service, so it cannot check what a dossier is
 * submitted under nor count its deadline; nothing is recorded.
 */
export class ProcedureCatalogueUnavailableError extends defineError({
  code: 'PROCEDURE_CATALOGUE_UNAVAILABLE',
  status: 503,
  args: (procedure: string) => ({ procedure }),
  message: (d) => `no procedure catalogue is available to look up procedure ${d.procedure}`,
  retryable: true,
}) {}
