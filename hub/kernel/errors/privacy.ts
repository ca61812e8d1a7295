import { HubError } from './base.js';

// ── Personal data protection ───────────────────────────────────────────────────────────────────

/** The data subject was erased (crypto-shredded): their data can no longer be read or re-imported. */
export class SubjectErasedError extends HubError {
  readonly code = 'PRIVACY_SUBJECT_ERASED';
  readonly status = 410;
  constructor(readonly subject: string) {
    super(`data subject ${subject} was erased`);
  }
  override details() {
    return { subject: this.subject };
  }
}

/** A sealed value could not be opened: wrong key, tampered ciphertext or a foreign envelope. */
export class SealedDataError extends HubError {
  readonly code = 'PRIVACY_SEALED_DATA_INVALID';
  readonly status = 500;
}

export class SecretsError extends HubError {
  readonly code = 'PRIVACY_SECRETS_INVALID';
  readonly status = 500;
}
