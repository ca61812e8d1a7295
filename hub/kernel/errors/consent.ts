import { defineError } from './base.js';

// ── Consent ────────────────────────────────────────────────────────────────────────────────────

export class ConsentNotFoundError extends defineError({
  code: 'CONSENT_NOT_FOUND',
  status: 404,
  args: (consentId: string) => ({ consentId }),
  message: (d) => `consent ${d.consentId} not found`,
}) {}

export class ConsentAlreadyExistsError extends defineError({
  code: 'CONSENT_ALREADY_EXISTS',
  status: 409,
  args: (consentId: string) => ({ consentId }),
  message: (d) => `consent ${d.consentId} already exists`,
}) {}

/** The consent was withdrawn or has expired: it can no longer be withdrawn. */
export class ConsentNotActiveError extends defineError({
  code: 'CONSENT_NOT_ACTIVE',
  status: 409,
  args: (consentId: string, consentStatus: string) => ({ consentId, consentStatus }),
  message: (d) => `consent ${d.consentId} is ${d.consentStatus}`,
  expose: (d) => ({ consentId: d.consentId, status: d.consentStatus }),
}) {}

/** ConsentExpired was requested before the end of the validity window. */
export class ConsentStillValidError extends defineError({
  code: 'CONSENT_STILL_VALID',
  status: 409,
  args: (consentId: string, validUntil: string) => ({ consentId, validUntil }),
  message: (d) => `consent ${d.consentId} is valid until ${d.validUntil}`,
}) {}

export class InvalidConsentError extends defineError({
  code: 'CONSENT_INVALID',
  status: 400,
  args: (
    reason: string,
    /** The input field at fault, e.g. `input.consumer`. */
    field?: string,
  ) => ({ reason, field }),
  message: (d) => `invalid consent: ${d.reason}`,
  expose: (d) => ({ reason: d.reason, ...(d.field ? { field: d.field } : {}) }),
}) {}

/** A consent may be given only to an agency registered with the hub and in force on the day it is given. */
export class ConsentConsumerNotInForceError extends defineError({
  code: 'CONSENT_CONSUMER_NOT_IN_FORCE',
  status: 400,
  args: (consumer: string, registered: boolean, onDate: string) => ({ consumer, registered, onDate }),
  message: (d) =>
    d.registered
      ? `agency ${d.consumer} is not in force on ${d.onDate}`
      : `agency ${d.consumer} is not registered with the hub`,
  expose: (d) => ({ ...d, field: 'input.consumer' }),
}) {}

/** A release needs the citizen's consent and no consent covers it. */
export class ConsentRequiredError extends defineError({
  code: 'CONSENT_REQUIRED',
  status: 403,
  args: (reason: string) => ({ reason }),
  message: (d) => `the citizen's consent is required: ${d.reason}`,
}) {}

export class ConsentExpiredError extends defineError({
  code: 'CONSENT_EXPIRED',
  status: 403,
  args: (consentId: string) => ({ consentId }),
  message: (d) => `consent ${d.consentId} has expired`,
}) {}

export class ConsentWithdrawnError extends defineError({
  code: 'CONSENT_WITHDRAWN',
  status: 403,
  args: (consentId: string) => ({ consentId }),
  message: (d) => `consent ${d.consentId} was withdrawn`,
}) {}
