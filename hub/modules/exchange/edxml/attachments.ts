import {
  ExchangeAttachmentHashMismatchError,
  ExchangeAttachmentSizeMismatchError,
  ExchangeEnvelopeInvalidError,
} from '../../../kernel/errors/index.js';
import { sha256Hex } from '../../documents/index.js';
import type { EdxmlAttachment, EdxmlReference } from './types.js';

/** The size and digest a manifest reference names for an attachment's bytes. */
export interface AttachmentDigest {
  size: number;
  digestMethod: 'sha256';
  /** SHA-256, lowercase hex. */
  digestValue: string;
}

/** The size and SHA-256 (lowercase hex) of an attachment's bytes, as its manifest reference carries them. */
export function attachmentDigest(bytes: Uint8Array): AttachmentDigest {
  return {
    size: bytes.byteLength,
    digestMethod: 'sha256',
    digestValue: sha256Hex(bytes),
  };
}

/**
 * Checks bytes against the reference that names them (an attachment fetched from its `uri`, or an
 * inline one): `EXCHANGE_ATTACHMENT_SIZE_MISMATCH` or `EXCHANGE_ATTACHMENT_HASH_MISMATCH` when they
 * are not what it names.
 */
export function verifyReferencedAttachment(
  reference: Pick<EdxmlReference, 'contentId' | 'size' | 'digestValue'>,
  bytes: Uint8Array,
): void {
  if (bytes.byteLength !== reference.size)
    throw new ExchangeAttachmentSizeMismatchError(reference.contentId, reference.size, bytes.byteLength);
  const { digestValue } = attachmentDigest(bytes);
  if (digestValue !== reference.digestValue)
    throw new ExchangeAttachmentHashMismatchError(reference.contentId, reference.digestValue, digestValue);
}

/** ContentIds pair with a leading `cid:` or without (the national SDK writes it in the manifest only). */
export const contentKey = (contentId: string): string =>
  contentId.startsWith('cid:') ? contentId.slice(4) : contentId;

/** An inline attachment as read from `AttachmentEncoded/Attachment`, or given to a builder. */
export interface InlineAttachment {
  contentId: string;
  bytes: Uint8Array;
  /** What some vendors repeat from the reference; checked equal to it when present. */
  contentType?: string;
  attachmentName?: string;
  description?: string;
}

const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

const REPEATED = ['contentType', 'attachmentName', 'description'] as const;

/**
 * Pairs inline attachments with the manifest references without `uri`, one to one, and checks each
 * against its reference. Returns them in manifest order, named by the reference's ContentId.
 */
export function pairAttachments(
  manifest: readonly EdxmlReference[],
  inline: readonly InlineAttachment[],
): EdxmlAttachment[] {
  const byKey = new Map<string, InlineAttachment>();
  for (const [i, attachment] of inline.entries()) {
    const key = contentKey(attachment.contentId);
    if (byKey.has(key))
      throw new ExchangeEnvelopeInvalidError(
        'attachment-duplicate',
        '',
        `two inline attachments have the ContentId of attachment #${i}`,
      );
    byKey.set(key, attachment);
  }
  const seen = new Set<string>();
  const paired: EdxmlAttachment[] = [];
  for (const [i, reference] of manifest.entries()) {
    const key = contentKey(reference.contentId);
    if (seen.has(key))
      throw new ExchangeEnvelopeInvalidError(
        'reference-duplicate',
        `/manifest/${i}/contentId`,
        'a second reference with this ContentId',
      );
    seen.add(key);
    const attachment = byKey.get(key);
    if (reference.uri !== undefined) {
      if (attachment)
        throw new ExchangeEnvelopeInvalidError(
          'attachment-unreferenced',
          `/manifest/${i}/uri`,
          'an attachment carried by reference (Uri) also has inline content',
        );
      continue;
    }
    if (!attachment)
      throw new ExchangeEnvelopeInvalidError(
        'attachment-missing',
        `/manifest/${i}`,
        'no inline content for this reference',
      );
    for (const field of REPEATED) {
      const repeated = attachment[field];
      if (repeated !== undefined && repeated !== reference[field])
        throw new ExchangeEnvelopeInvalidError(
          'attachment-mismatch',
          `/manifest/${i}/${field}`,
          `the inline attachment's ${field} differs from its reference's`,
        );
    }
    verifyReferencedAttachment(reference, attachment.bytes);
    paired.push({ contentId: reference.contentId, bytes: asBuffer(attachment.bytes) });
  }
  for (const key of byKey.keys())
    if (!seen.has(key))
      throw new ExchangeEnvelopeInvalidError(
        'attachment-unreferenced',
        '',
        'inline content no manifest reference names',
      );
  return paired;
}
