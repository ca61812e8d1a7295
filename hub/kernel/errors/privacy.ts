import { defineError, noDetails } from './base.js';

// ── Personal data protection ───────────────────────────────────────────────────────────────────

/** The data subject was erased (crypto-shredded): their data can no longer be read or re-imported. */
export class SubjectErasedError extends defineError({
  code: 'PRIVACY_SUBJECT_ERASED',
  status: 410,
  args: (subject: string) => ({ subject }),
  message: (d) => `data subject ${d.subject} was erased`,
}) {}

/** A sealed value could not be opened: wrong key, tampered ciphertext or a foreign envelope. */
export class SealedDataError extends defineError({
  code: 'PRIVACY_SEALED_DATA_INVALID',
  status: 500,
  args: (reason: string) => ({ reason }),
  message: (d) => d.reason,
  expose: noDetails,
}) {}

export class SecretsError extends defineError({
  code: 'PRIVACY_SECRETS_INVALID',
  status: 500,
  args: (reason: string) => ({ reason }),
  message: (d) => d.reason,
  expose: noDetails,
}) {}
