import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import type { SubjectKey } from '../../privacy/key-store.js';
import { sha256Hex } from './blob-store.js';

/** First bytes of every stored document: format name and version. */
const MAGIC = Buffer.from('LTDOC1', 'ascii');
const IV_BYTES = 12;
const TAG_BYTES = 16;

const aad = (subject: string, kid: string, contentHash: string) =>
  Buffer.from(`lienthong-document\n${subject}\n${kid}\n${contentHash}`, 'utf8');

/**
 * A document's content encrypted under its subject's key (AES-256-GCM), as the file store keeps it:
 *
 * ```
 * "LTDOC1" | kid length (1 byte) | kid (ASCII) | IV (12) | tag (16) | ciphertext
 * ```
 *
 * The additional data binds the subject, the key id and the content hash, so a blob moved to another
 * document or subject does not open. The IV is synthetic (HMAC-SHA-256 under the subject key of the
 * additional data and the plaintext, as for sealed fields): the same content of the same subject
 * gives the same blob, so a retried upload stores nothing new; equality is all it reveals, and only
 * within one subject. Erasing the subject deletes the key, and every blob of theirs stays ciphertext.
 */
export function sealContent(key: SubjectKey, subject: string, content: Uint8Array) {
  const contentHash = sha256Hex(content);
  const additional = aad(subject, key.kid, contentHash);
  const iv = createHmac('sha256', key.key).update(additional).update(content).digest().subarray(0, IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv).setAAD(additional);
  const ciphertext = Buffer.concat([cipher.update(content), cipher.final()]);
  const kid = Buffer.from(key.kid, 'ascii');
  const blob = Buffer.concat([MAGIC, Buffer.of(kid.length), kid, iv, cipher.getAuthTag(), ciphertext]);
  return { blob, contentHash, blobHash: sha256Hex(blob) };
}

/**
 * The plaintext of a stored blob, or undefined when it does not open under the subject's key for
 * this content hash (another format, another key, altered bytes). The caller checks the plaintext
 * against `contentHash`.
 */
export function openContent(
  key: SubjectKey,
  subject: string,
  contentHash: string,
  blob: Buffer,
): Buffer | undefined {
  if (blob.length < MAGIC.length + 1 || !blob.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const kidLength = blob[MAGIC.length]!;
  const kidStart = MAGIC.length + 1;
  const ivStart = kidStart + kidLength;
  const tagStart = ivStart + IV_BYTES;
  const dataStart = tagStart + TAG_BYTES;
  if (blob.length < dataStart) return undefined;
  if (blob.toString('ascii', kidStart, ivStart) !== key.kid) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, blob.subarray(ivStart, tagStart)).setAAD(
      aad(subject, key.kid, contentHash),
    );
    decipher.setAuthTag(blob.subarray(tagStart, dataStart));
    return Buffer.concat([decipher.update(blob.subarray(dataStart)), decipher.final()]);
  } catch {
    return undefined;
  }
}
