import { defineError } from './base.js';

// ── Document exchange between hubs: directory, routing, transport, document state ──────────────

/** The hub directory file (`LIENTHONG_EXCHANGE_HUBS_FILE`) breaks its schema or its own rules. */
export class ExchangeDirectoryInvalidError extends defineError({
  code: 'EXCHANGE_DIRECTORY_INVALID',
  status: 422,
  args: (file: string, path: string, reason: string) => ({ file, path, reason }),
  message: (d) => `hub directory ${d.file}: ${d.path}: ${d.reason}`,
}) {}

/** No hub can be found toward an organ on the document's date. */
export class ExchangeNoRouteError extends defineError({
  code: 'EXCHANGE_NO_ROUTE',
  status: 422,
  args: (organCode: string, onDate: string, reason: string) => ({ organCode, onDate, reason }),
  message: (d) => `no route to organ ${d.organCode} on ${d.onDate}: ${d.reason}`,
}) {}

/** A document marked secret (SecurityLevel ≥ 1) never travels through the exchange. */
export class ExchangeSecretDocumentError extends defineError({
  code: 'EXCHANGE_SECRET_DOCUMENT',
  status: 422,
  args: (documentId: string, securityLevel: number) => ({ documentId, securityLevel }),
  message: (d) =>
    `document ${d.documentId} is marked secret (security level ${d.securityLevel}): state secrets are never sent through the exchange`,
}) {}

/** The sending organ is not one this hub serves, or the caller may not act for it. */
export class ExchangeOrganNotServedError extends defineError({
  code: 'EXCHANGE_ORGAN_NOT_SERVED',
  status: 403,
  args: (organCode: string, hubId: string) => ({ organCode, hubId }),
  message: (d) => `organ ${d.organCode} is not served by hub ${d.hubId}`,
}) {}

/** The request between hubs is not signed by a hub of the directory, or not for this hub. */
export class ExchangeHubUnauthenticatedError extends defineError({
  code: 'EXCHANGE_HUB_UNAUTHENTICATED',
  status: 401,
  args: (reason: string) => ({ reason }),
  message: (d) => `request between hubs refused: ${d.reason}`,
}) {}

/** A request between hubs seen before (same request id) or outside its time window. */
export class ExchangeReplayError extends defineError({
  code: 'EXCHANGE_REPLAYED',
  status: 409,
  args: (requestId: string, reason: string) => ({ requestId, reason }),
  message: (d) => `request ${d.requestId} refused as a replay: ${d.reason}`,
}) {}

/** Another message already holds this DocumentId as a new document. */
export class ExchangeDocumentConflictError extends defineError({
  code: 'EXCHANGE_DOCUMENT_CONFLICT',
  status: 409,
  args: (documentId: string, reason: string) => ({ documentId, reason }),
  message: (d) => `document ${d.documentId}: ${d.reason}`,
}) {}

export class ExchangeDocumentNotFoundError extends defineError({
  code: 'EXCHANGE_DOCUMENT_NOT_FOUND',
  status: 404,
  args: (documentId: string) => ({ documentId }),
  message: (d) => `document ${d.documentId} is not known to this hub`,
}) {}

/** A status that does not fit the document's state (a recall answer without a recall, a status from an organ not addressed). */
export class ExchangeStatusInvalidError extends defineError({
  code: 'EXCHANGE_STATUS_INVALID',
  status: 409,
  args: (documentId: string, statusCode: string, reason: string) => ({ documentId, statusCode, reason }),
  message: (d) => `status ${d.statusCode} for document ${d.documentId}: ${d.reason}`,
}) {}

/** The hub holds no signing credentials for an organ it is asked to sign for. */
export class ExchangeCredentialsMissingError extends defineError({
  code: 'EXCHANGE_CREDENTIALS_MISSING',
  status: 422,
  args: (organCode: string) => ({ organCode }),
  message: (d) =>
    `no signing credentials for organ ${d.organCode} on this hub: its document system must sign and submit the envelope`,
}) {}

/** A parameter of an exchange request is missing or malformed. */
export class ExchangeInputError extends defineError({
  code: 'EXCHANGE_INPUT_INVALID',
  status: 400,
  args: (field: string, reason: string) => ({ field, reason }),
  message: (d) => `${d.field}: ${d.reason}`,
}) {}
