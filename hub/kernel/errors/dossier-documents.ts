import { defineError } from './base.js';

// ── Documents of dossiers (digitised components, signed electronic results) ───────────────────

export class DocumentNotFoundError extends defineError({
  code: 'DOCUMENT_NOT_FOUND',
  status: 404,
  args: (documentId: string) => ({ documentId }),
  message: (d) => `document ${d.documentId} not found`,
}) {}

/** The document id is taken by a document with other content or metadata. */
export class DocumentAlreadyExistsError extends defineError({
  code: 'DOCUMENT_ALREADY_EXISTS',
  status: 409,
  args: (documentId: string) => ({ documentId }),
  message: (d) => `document ${d.documentId} already exists with other content`,
}) {}

/** What was wrong with a document's stored bytes. */
export type IntegrityFailure =
  /** No blob at the address the events name. */
  | 'blob-missing'
  /** The stored bytes do not hash to their address (`blobHash`). */
  | 'blob-hash-mismatch'
  /** The bytes hash right but do not decrypt under the subject's key (wrong key, foreign envelope). */
  | 'undecryptable'
  /** The decrypted content does not hash to the `contentHash` the events (and signatures) name. */
  | 'content-hash-mismatch';

/**
 * A document's stored bytes fail their check: the content is never served. Raised on the hub's side
 * (the store was altered or damaged), so it is a 500 with a code of its own, logged and counted.
 */
export class DocumentIntegrityError extends defineError({
  code: 'DOCUMENT_INTEGRITY_FAILED',
  status: 500,
  args: (documentId: string, reason: IntegrityFailure) => ({ documentId, reason }),
  message: (d) => `document ${d.documentId} failed its integrity check (${d.reason}); it is not served`,
}) {}

/** An upload is larger than the hub accepts. */
export class DocumentTooLargeError extends defineError({
  code: 'DOCUMENT_TOO_LARGE',
  status: 413,
  args: (maxBytes: number, actualBytes?: number) => ({ maxBytes, actualBytes }),
  message: (d) =>
    `document is larger than ${d.maxBytes} bytes${d.actualBytes === undefined ? '' : ` (${d.actualBytes})`}`,
  expose: (d) => ({
    maxBytes: d.maxBytes,
    ...(d.actualBytes === undefined ? {} : { actualBytes: d.actualBytes }),
  }),
}) {}

/** The declared media type is not one the hub stores. */
export class DocumentMediaTypeNotAllowedError extends defineError({
  code: 'DOCUMENT_MEDIA_TYPE_NOT_ALLOWED',
  status: 415,
  args: (mediaType: string, allowed: readonly string[]) => ({ mediaType, allowed }),
  message: (d) => `media type ${d.mediaType || '(none)'} is not allowed (allowed: ${d.allowed.join(', ')})`,
}) {}

/** The bytes are not what the declared media type says (a PNG sent as PDF, JSON that does not parse, …). */
export class DocumentMediaTypeMismatchError extends defineError({
  code: 'DOCUMENT_MEDIA_TYPE_MISMATCH',
  status: 400,
  args: (mediaType: string, reason: string) => ({ mediaType, reason }),
  message: (d) => `content is not ${d.mediaType}: ${d.reason}`,
}) {}

/** Bad input naming the field at fault (`componentCode`, `pages`, `x-subject-personal-id`, …). */
export class DocumentInputError extends defineError({
  code: 'DOCUMENT_INPUT_INVALID',
  status: 400,
  args: (field: string, reason: string) => ({ field, reason }),
  message: (d) => `${d.field}: ${d.reason}`,
}) {}

/**
 * A signed electronic result does not verify: malformed JWS, algorithm or type not accepted, no
 * registered key of the issuer matches, signature wrong, or claims not of the required shape.
 */
export class ResultSignatureInvalidError extends defineError({
  code: 'DOCUMENT_RESULT_SIGNATURE_INVALID',
  status: 400,
  args: (reason: string) => ({ reason }),
  message: (d) => `the result's signature does not verify: ${d.reason}`,
}) {}

/** The content sent does not hash to the `contentHash` the signed result names. */
export class ResultContentMismatchError extends defineError({
  code: 'DOCUMENT_RESULT_CONTENT_MISMATCH',
  status: 400,
  args: (signed: string, actual: string) => ({ signed, actual }),
  message: (d) => `content hashes to ${d.actual}, the signed result names ${d.signed}`,
}) {}

/** The issuing agency is not registered, or not in force on the day the result was issued. */
export class ResultIssuerNotInForceError extends defineError({
  code: 'DOCUMENT_RESULT_ISSUER_NOT_IN_FORCE',
  status: 400,
  args: (issuer: string, registered: boolean, onDate: string) => ({ issuer, registered, onDate }),
  message: (d) =>
    d.registered
      ? `issuing agency ${d.issuer} is not in force on ${d.onDate}`
      : `issuing agency ${d.issuer} is not registered with the hub`,
}) {}

/** The issuing agency publishes its keys at a URL, which the hub does not fetch for results. */
export class ResultKeysUnavailableError extends defineError({
  code: 'DOCUMENT_RESULT_KEYS_UNAVAILABLE',
  status: 400,
  args: (issuer: string) => ({ issuer }),
  message: (d) => `agency ${d.issuer} registered no inline public keys to verify its results with`,
}) {}

export class DocumentRevokedError extends defineError({
  code: 'DOCUMENT_REVOKED',
  status: 409,
  args: (documentId: string) => ({ documentId }),
  message: (d) => `document ${d.documentId} was revoked`,
}) {}

/** A result past its validity cannot satisfy a new dossier. */
export class DocumentExpiredError extends defineError({
  code: 'DOCUMENT_EXPIRED',
  status: 409,
  args: (documentId: string, validUntil: string) => ({ documentId, validUntil }),
  message: (d) => `document ${d.documentId} was valid until ${d.validUntil}`,
}) {}

/** A document of one citizen offered for another citizen's dossier. */
export class DocumentSubjectMismatchError extends defineError({
  code: 'DOCUMENT_SUBJECT_MISMATCH',
  status: 409,
  args: (documentId: string) => ({ documentId }),
  message: (d) => `document ${d.documentId} belongs to another data subject`,
}) {}
