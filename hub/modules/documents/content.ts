import type { Logger } from 'pino';
import { DocumentIntegrityError, type IntegrityFailure } from '../../kernel/errors/index.js';
import type { SubjectKeyStore } from '../../privacy/key-store.js';
import { type BlobStore, sha256Hex } from './blob-store.js';
import type { StoredContent } from './events.js';
import { openContent, sealContent } from './sealed-content.js';

/** Called once per integrity failure found (the plugin counts them in a metric). */
export type IntegrityObserver = (reason: IntegrityFailure) => void;

/**
 * Document content in the file store, encrypted under the data subject's key: stored before any
 * event names it, and checked on every read (blob hash, decryption, content hash) so that altered
 * or damaged bytes are never served.
 */
export class DocumentContent {
  constructor(
    private readonly deps: {
      blobs: BlobStore;
      keys: SubjectKeyStore;
      /** The module's logger: integrity failures are logged as findings. */
      log: Logger;
      onIntegrityFailure?: IntegrityObserver;
    },
  ) {}

  /**
   * Encrypts `content` under the subject's key (created if the subject has none; throws
   * PRIVACY_SUBJECT_ERASED for an erased subject) and stores it durably. Returns both hashes.
   */
  async put(subject: string, content: Uint8Array): Promise<{ contentHash: string; blobHash: string }> {
    const { blob, contentHash, blobHash } = sealContent(this.deps.keys.keyFor(subject), subject, content);
    await this.deps.blobs.put(blob, blobHash);
    return { contentHash, blobHash };
  }

  /**
   * The content of a document, checked: PRIVACY_SUBJECT_ERASED once the subject is erased (the key
   * is gone, the blob stays ciphertext), DOCUMENT_INTEGRITY_FAILED when the blob is missing, does
   * not hash to its address, does not decrypt, or decrypts to bytes that do not hash to
   * `contentHash`.
   */
  async get(document: StoredContent): Promise<Buffer> {
    const key = this.deps.keys.find(document.subject);
    const blob = await this.deps.blobs.get(document.blobHash);
    if (!blob) throw this.failed(document, 'blob-missing');
    if (sha256Hex(blob) !== document.blobHash) throw this.failed(document, 'blob-hash-mismatch');
    const content = key && openContent(key, document.subject, document.contentHash, blob);
    if (!content) throw this.failed(document, 'undecryptable');
    if (sha256Hex(content) !== document.contentHash) throw this.failed(document, 'content-hash-mismatch');
    return content;
  }

  private failed(document: StoredContent, reason: IntegrityFailure): DocumentIntegrityError {
    this.deps.onIntegrityFailure?.(reason);
    this.deps.log.error(
      { finding: 'document-integrity', documentId: document.documentId, blobHash: document.blobHash, reason },
      'document failed its integrity check; not served',
    );
    return new DocumentIntegrityError(document.documentId, reason);
  }
}
