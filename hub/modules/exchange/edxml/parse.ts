import {
  ExchangeEnvelopeInvalidError,
  ExchangeXmlMalformedError,
  ExchangeXmlTooLargeError,
} from '../../../kernel/errors/index.js';
import { attachmentDigest, contentKey, type InlineAttachment, pairAttachments } from './attachments.js';
import { EDXML_LIMITS, type EdxmlLimits } from './limits.js';
import { checkDocumentEnvelope, checkStatusEnvelope } from './schema.js';
import { type StreamedEnvelope, streamEnvelope } from './stream.js';
import type { ParsedEdxml } from './types.js';

type Fields = Record<string, unknown>;

/** Strict UTF-8 (a byte-order mark is dropped). */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

const STATUS_KEYS = ['responseFor', 'from', 'statusCode', 'description', 'timestamp', 'staffInfo'] as const;

/**
 * Reads an edXML envelope (UTF-8) into its internal form, in one streaming pass that refuses
 * hostile input before anything else is done with it, then checks the form against
 * `schemas/edxml.schema.json` and every inline attachment against its manifest reference.
 * Throws only the `EXCHANGE_*` errors (hub/kernel/errors/exchange.ts), each with a `reason`.
 */
export function parseEdxml(input: string | Uint8Array, limits: Partial<EdxmlLimits> = {}): ParsedEdxml {
  const applied: EdxmlLimits = { ...EDXML_LIMITS, ...limits };
  const streamed = streamEnvelope(decode(input, applied.maxBytes), applied);
  const fields = streamed.fields;
  if (fields.messageHeader === undefined && !streamed.status)
    throw new ExchangeEnvelopeInvalidError(
      'no-header',
      '',
      'the header holds neither MessageHeader nor Status',
    );
  if (fields.messageHeader !== undefined && streamed.status)
    throw new ExchangeEnvelopeInvalidError(
      'header-and-status',
      '',
      'the header holds both MessageHeader and Status',
    );
  return streamed.status ? readStatus(streamed) : readDocument(streamed);
}

/** The text of the envelope, its size checked first (a string counts its UTF-8 bytes). */
function decode(input: string | Uint8Array, maxBytes: number): string {
  if (typeof input === 'string') {
    // a UTF-16 unit is at most 3 bytes of UTF-8: count only when that bound passes the limit
    const bytes = input.length * 3 > maxBytes ? Buffer.byteLength(input, 'utf8') : input.length;
    if (bytes > maxBytes) throw new ExchangeXmlTooLargeError(maxBytes, bytes);
    return withoutLineSeparators(input);
  }
  if (input.byteLength > maxBytes) throw new ExchangeXmlTooLargeError(maxBytes, input.byteLength);
  let text: string;
  try {
    text = UTF8.decode(input);
  } catch {
    throw new ExchangeXmlMalformedError('not-utf8', 'the bytes are not UTF-8');
  }
  return withoutLineSeparators(text);
}

/**
 * NEL (U+0085) and LINE SEPARATOR (U+2028) are refused: the signature's canonical form reads them as
 * line feeds (as xmldom does), so a signed line feed swapped for one of them would still verify
 * while the envelope said something else.
 */
function withoutLineSeparators(text: string): string {
  const at = text.search(/[\u0085\u2028]/);
  if (at >= 0) {
    throw new ExchangeXmlMalformedError(
      'line-separator',
      'the envelope holds NEL (U+0085) or LINE SEPARATOR (U+2028)',
    );
  }
  return text;
}

function readDocument({ fields, signed }: StreamedEnvelope): ParsedEdxml {
  const manifest = (fields.manifest ?? []) as Fields[];
  const inline = readInline((fields.attachments ?? []) as Fields[]);
  completeInlineReferences(manifest, inline);
  const document = {
    messageHeader: fields.messageHeader,
    traceHeaders: fields.traceHeaders ?? [],
    ...(fields.business === undefined ? {} : { business: fields.business }),
    manifest,
  };
  checkDocumentEnvelope(document);
  return { kind: 'document', document, attachments: pairAttachments(document.manifest, inline), signed };
}

function readStatus({ fields, signed }: StreamedEnvelope): ParsedEdxml {
  if (fields.business !== undefined || fields.manifest !== undefined || fields.attachments !== undefined)
    throw new ExchangeEnvelopeInvalidError(
      'status-with-content',
      '',
      'a status envelope carries no business part, manifest reference or attachment',
    );
  const status: Fields = {};
  for (const key of STATUS_KEYS) if (fields[key] !== undefined) status[key] = fields[key];
  status.traceHeaders = fields.traceHeaders ?? [];
  checkStatusEnvelope(status);
  return { kind: 'status', status, signed };
}

/** The inline attachments as read: each needs a ContentId and content. */
function readInline(attachments: readonly Fields[]): InlineAttachment[] {
  return attachments.map((attachment, i) => {
    const { contentId, bytes } = attachment;
    if (typeof contentId !== 'string')
      throw new ExchangeEnvelopeInvalidError(
        'attachment-unreferenced',
        '',
        `inline attachment #${i} has no ContentId`,
        'AttachmentEncoded/Attachment',
      );
    if (!(bytes instanceof Uint8Array))
      throw new ExchangeEnvelopeInvalidError(
        'attachment-missing',
        '',
        `inline attachment #${i} has no ContentTransferEncoded`,
        'AttachmentEncoded/Attachment',
      );
    return attachment as unknown as InlineAttachment;
  });
}

/**
 * Gives an inline reference written without `Size` or digest (the national SDK writes neither) the
 * ones of its content, which then stand for it; a reference that names them is checked later.
 */
function completeInlineReferences(manifest: readonly Fields[], inline: readonly InlineAttachment[]): void {
  const byKey = new Map(inline.map((a) => [contentKey(a.contentId), a]));
  for (const reference of manifest) {
    if (reference.digestValue !== undefined) reference.digestMethod ??= 'sha256';
    const named = reference.size !== undefined || reference.digestValue !== undefined;
    if (named || reference.uri !== undefined || typeof reference.contentId !== 'string') continue;
    const attachment = byKey.get(contentKey(reference.contentId));
    if (attachment === undefined) continue;
    const digest = attachmentDigest(attachment.bytes);
    reference.size = digest.size;
    reference.digestMethod ??= digest.digestMethod;
    reference.digestValue = digest.digestValue;
  }
}
