import { defineError } from './base.js';

// ── Document exchange between hubs: edXML envelopes (QCVN 102:2016/BTTTT) ─────────────────────
//
// Every refusal of an incoming envelope carries `reason`: a short machine word the exchange puts in
// the status 02 (rejected) it answers with. None carries a value read from the envelope.

/** The envelope is larger than the hub reads (bytes, before any parsing). */
export class ExchangeXmlTooLargeError extends defineError({
  code: 'EXCHANGE_XML_TOO_LARGE',
  status: 413,
  args: (maxBytes: number, actualBytes: number) => ({ reason: 'too-large' as const, maxBytes, actualBytes }),
  message: (d) => `the envelope is ${d.actualBytes} bytes, more than ${d.maxBytes}`,
}) {}

/** A DOCTYPE (and with it any ENTITY declaration: XXE, billion laughs) is never read. */
export class ExchangeXmlDtdForbiddenError extends defineError({
  code: 'EXCHANGE_XML_DTD_FORBIDDEN',
  status: 400,
  args: () => ({ reason: 'dtd-forbidden' as const }),
  message: () => 'the envelope declares a DOCTYPE; document type declarations and entities are refused',
}) {}

/** A processing instruction other than the XML declaration. */
export class ExchangeXmlPiForbiddenError extends defineError({
  code: 'EXCHANGE_XML_PI_FORBIDDEN',
  status: 400,
  args: () => ({ reason: 'processing-instruction-forbidden' as const }),
  message: () => 'the envelope holds a processing instruction; only the XML declaration is accepted',
}) {}

/** Elements nested deeper than the limit. */
export class ExchangeXmlTooDeepError extends defineError({
  code: 'EXCHANGE_XML_TOO_DEEP',
  status: 413,
  args: (maxDepth: number) => ({ reason: 'too-deep' as const, maxDepth }),
  message: (d) => `the envelope nests elements deeper than ${d.maxDepth}`,
}) {}

/** More elements than the limit. */
export class ExchangeXmlTooManyElementsError extends defineError({
  code: 'EXCHANGE_XML_TOO_MANY_ELEMENTS',
  status: 413,
  args: (maxElements: number) => ({ reason: 'too-many-elements' as const, maxElements }),
  message: (d) => `the envelope has more than ${d.maxElements} elements`,
}) {}

/** More manifest references or inline attachments than the limit. */
export class ExchangeXmlTooManyAttachmentsError extends defineError({
  code: 'EXCHANGE_XML_TOO_MANY_ATTACHMENTS',
  status: 413,
  args: (maxAttachments: number) => ({ reason: 'too-many-attachments' as const, maxAttachments }),
  message: (d) => `the envelope has more than ${d.maxAttachments} attachments`,
}) {}

/** Why the bytes are not XML the hub reads. */
export type XmlMalformedReason = 'malformed' | 'not-utf8' | 'line-separator';

/** Not well-formed XML, or not UTF-8; `line` and `column` (1-based) when the parser knows them. */
export class ExchangeXmlMalformedError extends defineError({
  code: 'EXCHANGE_XML_MALFORMED',
  status: 400,
  args: (reason: XmlMalformedReason, problem: string, line?: number, column?: number) => ({
    reason,
    problem,
    line,
    column,
  }),
  message: (d) => `the envelope is not well-formed XML: ${d.problem}`,
  expose: (d) => ({ reason: d.reason, ...(d.line === undefined ? {} : { line: d.line, column: d.column }) }),
}) {}

/** Why a well-formed envelope is not a valid edXML envelope. */
export type EnvelopeInvalidReason =
  /** The root element is neither `edXMLEnvelope` nor the `edXML` wrapper of the QCVN 102 namespace. */
  | 'not-edxml'
  /** An element edXML does not have at that place (any namespace; `ds:Signature` only in the header). */
  | 'unknown-element'
  /** An element that may occur once occurs again (signature-wrapping defence). */
  | 'duplicate-element'
  /** Text where only elements belong. */
  | 'unexpected-text'
  /** Neither `MessageHeader` nor `Status`. */
  | 'no-header'
  /** Both `MessageHeader` and `Status`. */
  | 'header-and-status'
  /** A status envelope with a business part, manifest references or attachments. */
  | 'status-with-content'
  /** The internal form breaks `schemas/edxml.schema.json` (the path names the field). */
  | 'schema'
  /** Two manifest references with one ContentId. */
  | 'reference-duplicate'
  /** Two inline attachments with one ContentId. */
  | 'attachment-duplicate'
  /** A reference without `Uri` whose content is not inline. */
  | 'attachment-missing'
  /** Inline content no reference without `Uri` names. */
  | 'attachment-unreferenced'
  /** `ContentTransferEncoded` is not base64. */
  | 'attachment-not-base64'
  /** The name, type or description an `Attachment` repeats differ from its reference's. */
  | 'attachment-mismatch';

/**
 * A well-formed envelope that is not valid edXML (or an internal form that cannot be built). `path`
 * is a JSON pointer into the internal form (`/messageHeader/to/1/organId`); `element` the XML path
 * of the element at fault, when there is one.
 */
export class ExchangeEnvelopeInvalidError extends defineError({
  code: 'EXCHANGE_ENVELOPE_INVALID',
  status: 422,
  args: (reason: EnvelopeInvalidReason, path: string, problem: string, element?: string) => ({
    reason,
    path,
    problem,
    element,
  }),
  message: (d) => `invalid edXML envelope at ${d.element ?? (d.path || '/')}: ${d.problem}`,
}) {}

/** An attachment's decoded bytes are more than the limit (checked before decoding). */
export class ExchangeAttachmentTooLargeError extends defineError({
  code: 'EXCHANGE_ATTACHMENT_TOO_LARGE',
  status: 413,
  args: (
    /** Its ContentId, or its position among the inline attachments (`#2`) when not known yet. */
    attachment: string,
    maxBytes: number,
    actualBytes: number,
  ) => ({ reason: 'attachment-too-large' as const, attachment, maxBytes, actualBytes }),
  message: (d) => `attachment ${d.attachment} is ${d.actualBytes} bytes, more than ${d.maxBytes}`,
}) {}

/** An attachment's bytes do not hash to the SHA-256 its manifest reference names. */
export class ExchangeAttachmentHashMismatchError extends defineError({
  code: 'EXCHANGE_ATTACHMENT_HASH_MISMATCH',
  status: 422,
  args: (contentId: string, expected: string, actual: string) => ({
    reason: 'attachment-hash-mismatch' as const,
    contentId,
    expected,
    actual,
  }),
  message: (d) => `attachment ${d.contentId} hashes to ${d.actual}, its reference names ${d.expected}`,
}) {}

/** An attachment's bytes are not the size its manifest reference names. */
export class ExchangeAttachmentSizeMismatchError extends defineError({
  code: 'EXCHANGE_ATTACHMENT_SIZE_MISMATCH',
  status: 422,
  args: (contentId: string, expected: number, actual: number) => ({
    reason: 'attachment-size-mismatch' as const,
    contentId,
    expected,
    actual,
  }),
  message: (d) => `attachment ${d.contentId} is ${d.actual} bytes, its reference names ${d.expected}`,
}) {}
