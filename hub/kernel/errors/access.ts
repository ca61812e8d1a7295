import { HubError } from './base.js';

// ── Consent ────────────────────────────────────────────────────────────────────────────────────

export class ConsentNotFoundError extends HubError {
  readonly code = 'CONSENT_NOT_FOUND';
  readonly status = 404;
  constructor(readonly consentId: string) {
    super(`consent ${consentId} not found`);
  }
  override details() {
    return { consentId: this.consentId };
  }
}

export class ConsentAlreadyExistsError extends HubError {
  readonly code = 'CONSENT_ALREADY_EXISTS';
  readonly status = 409;
  constructor(readonly consentId: string) {
    super(`consent ${consentId} already exists`);
  }
  override details() {
    return { consentId: this.consentId };
  }
}

/** The consent was withdrawn or has expired: it can no longer be withdrawn. */
export class ConsentNotActiveError extends HubError {
  readonly code = 'CONSENT_NOT_ACTIVE';
  readonly status = 409;
  constructor(
    readonly consentId: string,
    readonly consentStatus: string,
  ) {
    super(`consent ${consentId} is ${consentStatus}`);
  }
  override details() {
    return { consentId: this.consentId, status: this.consentStatus };
  }
}

/** ConsentExpired was requested before the end of the validity window. */
export class ConsentStillValidError extends HubError {
  readonly code = 'CONSENT_STILL_VALID';
  readonly status = 409;
  constructor(
    readonly consentId: string,
    readonly validUntil: string,
  ) {
    super(`consent ${consentId} is valid until ${validUntil}`);
  }
  override details() {
    return { consentId: this.consentId, validUntil: this.validUntil };
  }
}

export class InvalidConsentError extends HubError {
  readonly code = 'CONSENT_INVALID';
  readonly status = 400;
  constructor(
    readonly reason: string,
    /** The input field at fault, e.g. `input.consumer`. */
    readonly field?: string,
  ) {
    super(`invalid consent: ${reason}`);
  }
  override details() {
    return { reason: this.reason, ...(this.field ? { field: this.field } : {}) };
  }
}

/** A consent may be given only to an agency registered with the hub and in force on the day it is given. */
export class ConsentConsumerNotInForceError extends HubError {
  readonly code = 'CONSENT_CONSUMER_NOT_IN_FORCE';
  readonly status = 400;
  constructor(
    readonly consumer: string,
    readonly registered: boolean,
    readonly onDate: string,
  ) {
    super(
      registered
        ? `agency ${consumer} is not in force on ${onDate}`
        : `agency ${consumer} is not registered with the hub`,
    );
  }
  override details() {
    return {
      consumer: this.consumer,
      registered: this.registered,
      onDate: this.onDate,
      field: 'input.consumer',
    };
  }
}

/** A release needs the citizen's consent and no consent covers it. */
export class ConsentRequiredError extends HubError {
  readonly code = 'CONSENT_REQUIRED';
  readonly status = 403;
  constructor(readonly reason: string) {
    super(`the citizen's consent is required: ${reason}`);
  }
  override details() {
    return { reason: this.reason };
  }
}

export class ConsentExpiredError extends HubError {
  readonly code = 'CONSENT_EXPIRED';
  readonly status = 403;
  constructor(readonly consentId: string) {
    super(`consent ${consentId} has expired`);
  }
  override details() {
    return { consentId: this.consentId };
  }
}

export class ConsentWithdrawnError extends HubError {
  readonly code = 'CONSENT_WITHDRAWN';
  readonly status = 403;
  constructor(readonly consentId: string) {
    super(`consent ${consentId} was withdrawn`);
  }
  override details() {
    return { consentId: this.consentId };
  }
}

export class UnknownCommandError extends HubError {
  readonly code = 'CONSENT_UNKNOWN_COMMAND';
  readonly status = 400;
  constructor(readonly command: unknown) {
    super(`unknown command ${JSON.stringify((command as { type?: unknown })?.type)}`);
  }
}

// ── Data access (releases of personal data) ────────────────────────────────────────────────────

/** The caller's agency holds no contract in force for the dataset. */
export class NoContractError extends HubError {
  readonly code = 'ACCESS_NO_CONTRACT';
  readonly status = 403;
  constructor(
    readonly consumer: string,
    readonly dataset: string,
  ) {
    super(`agency ${consumer} holds no contract in force for dataset ${dataset}`);
  }
  override details() {
    return { consumer: this.consumer, dataset: this.dataset };
  }
}

export class PurposeNotAllowedError extends HubError {
  readonly code = 'ACCESS_PURPOSE_NOT_ALLOWED';
  readonly status = 403;
  constructor(
    readonly purpose: string,
    readonly dataset: string,
  ) {
    super(`no contract allows dataset ${dataset} for purpose ${purpose}`);
  }
  override details() {
    return { purpose: this.purpose, dataset: this.dataset };
  }
}

export class FieldNotInContractError extends HubError {
  readonly code = 'ACCESS_FIELD_NOT_IN_CONTRACT';
  readonly status = 403;
  constructor(
    readonly contractId: string,
    readonly fields: string[],
  ) {
    super(`contract ${contractId} does not cover field(s) ${fields.join(', ')}`);
  }
  override details() {
    return { contractId: this.contractId, fields: this.fields };
  }
}

/** The caller used up a rate limit: its contract's, or (`contractId` null) the one on refused requests. */
export class RateLimitedError extends HubError {
  readonly code = 'ACCESS_RATE_LIMITED';
  readonly status = 429;
  override readonly retryable = true;
  constructor(
    readonly contractId: string | null,
    readonly retryAfterSeconds: number,
  ) {
    super(
      `${contractId ? `rate limit of contract ${contractId}` : 'rate limit on refused requests'} reached; retry in ${retryAfterSeconds}s`,
    );
  }
  override details() {
    return { contractId: this.contractId, retryAfterSeconds: this.retryAfterSeconds };
  }
}

/** The DataAccessed record could not be written, so nothing was released. */
export class AccessNotRecordedError extends HubError {
  readonly code = 'ACCESS_NOT_RECORDED';
  readonly status = 503;
  override readonly retryable = true;
  constructor(readonly reason: string) {
    super(`the access could not be recorded, so no data was released: ${reason}`);
  }
}
