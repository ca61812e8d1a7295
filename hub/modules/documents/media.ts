import {
  DocumentInputError,
  DocumentMediaTypeMismatchError,
  DocumentMediaTypeNotAllowedError,
  DocumentTooLargeError,
} from '../../kernel/errors/index.js';
import { MEDIA_TYPES, type MediaType } from './events.js';

/** Largest document accepted by default: 20 MiB (a scanned dossier component of many pages). */
export const DEFAULT_MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

/** Other names clients use for an allowed type. */
const ALIASES: Record<string, MediaType> = { 'text/xml': 'application/xml', 'image/jpg': 'image/jpeg' };

/**
 * The allowed media type a `Content-Type` value names (parameters such as `charset` dropped,
 * letter case ignored); DOCUMENT_MEDIA_TYPE_NOT_ALLOWED for any other.
 */
export function allowedMediaType(contentType: string | undefined): MediaType {
  const essence = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const type = ALIASES[essence] ?? essence;
  if (!(MEDIA_TYPES as readonly string[]).includes(type)) {
    throw new DocumentMediaTypeNotAllowedError(essence, MEDIA_TYPES);
  }
  return type as MediaType;
}

const startsWith = (bytes: Uint8Array, prefix: readonly number[]) =>
  bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);

const PDF = [...Buffer.from('%PDF-')];
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Why the bytes are not of the type, or undefined when they are. */
function mismatch(type: MediaType, bytes: Uint8Array): string | undefined {
  switch (type) {
    case 'application/pdf':
      return startsWith(bytes, PDF) ? undefined : 'no %PDF- header';
    case 'image/png':
      return startsWith(bytes, PNG) ? undefined : 'no PNG signature';
    case 'image/jpeg':
      return startsWith(bytes, JPEG) ? undefined : 'no JPEG start-of-image marker';
    case 'application/xml':
      return xmlMismatch(bytes);
    case 'application/json':
      try {
        JSON.parse(utf8.decode(bytes));
        return undefined;
      } catch {
        return 'not UTF-8 JSON';
      }
  }
}

/**
 * XML is stored, not parsed, but whoever parses it later must not meet a DTD: documents declaring
 * one (entities, external references) are refused here.
 */
function xmlMismatch(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return 'not UTF-8 XML';
  }
  if (!text.trimStart().startsWith('<')) return 'does not start with a tag or declaration';
  if (/<!(DOCTYPE|ENTITY)/i.test(text)) return 'declares a DTD or entities, which the hub does not accept';
  return undefined;
}

/**
 * Checks an upload before anything is stored: not empty, at most `maxBytes`, bytes of the declared
 * type, a page count from 1 to 10,000.
 */
export function checkContent(
  type: MediaType,
  bytes: Uint8Array,
  limits: { maxBytes: number; pages: number },
): void {
  if (bytes.length === 0) throw new DocumentInputError('content', 'the document is empty');
  if (bytes.length > limits.maxBytes) throw new DocumentTooLargeError(limits.maxBytes, bytes.length);
  if (!Number.isInteger(limits.pages) || limits.pages < 1 || limits.pages > 10_000) {
    throw new DocumentInputError('pages', 'must be an integer from 1 to 10000');
  }
  const why = mismatch(type, bytes);
  if (why) throw new DocumentMediaTypeMismatchError(type, why);
}
