import { HubError } from './base.js';

// ── Events and schemas ─────────────────────────────────────────────────────────────────────────

export interface SchemaIssue {
  /** JSON pointer into the event envelope, e.g. `/data/fullName`. */
  path: string;
  message: string;
}

export class EventValidationError extends HubError {
  readonly code = 'EVENT_INVALID';
  readonly status = 400;
  constructor(
    readonly eventType: string,
    readonly issues: SchemaIssue[],
  ) {
    super(`invalid ${eventType} event: ${issues.map((i) => `${i.path || '/'} ${i.message}`).join('; ')}`);
  }
  override details() {
    return { eventType: this.eventType, issues: this.issues };
  }
}

export class UnknownEventTypeError extends HubError {
  readonly code = 'EVENT_UNKNOWN_TYPE';
  readonly status = 400;
  constructor(readonly eventType: string) {
    super(`unknown event type ${JSON.stringify(eventType)}: no schema in schemas/events/`);
  }
  override details() {
    return { eventType: this.eventType };
  }
}

// ── Event schemas and administrative units ─────────────────────────────────────────────────────

/** A schema file under schemas/ is unreadable, misnamed or does not compile. Raised at startup. */
export class SchemaLoadError extends HubError {
  readonly code = 'EVENT_SCHEMA_INVALID';
  readonly status = 500;
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`schema ${file}: ${reason}`);
  }
  override details() {
    return { file: this.file, reason: this.reason };
  }
}

export class AdminUnitNotFoundError extends HubError {
  readonly code = 'ADMINUNIT_NOT_FOUND';
  readonly status = 404;
  constructor(readonly unitId: string) {
    super(`administrative unit ${unitId} not found`);
  }
  override details() {
    return { unitId: this.unitId };
  }
}

/** The administrative-unit source files do not have the expected shape. */
export class AdminUnitSourceError extends HubError {
  readonly code = 'ADMINUNIT_BAD_SOURCE';
  readonly status = 500;
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file} line ${line}: ${reason}`);
  }
  override details() {
    return { file: this.file, line: this.line, reason: this.reason };
  }
}

/** A query date is not a calendar date written YYYY-MM-DD. */
export class InvalidDateError extends HubError {
  readonly code = 'ADMINUNIT_INVALID_DATE';
  readonly status = 400;
  constructor(readonly value: string) {
    super(`expected a date as YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
  override details() {
    return { value: this.value };
  }
}

/** A demo stream already holds events other than the ones the seed would write. Nothing was appended to it. */
export class SeedConflictError extends HubError {
  readonly code = 'SEED_CONFLICT';
  readonly status = 409;
  constructor(
    readonly stream: string,
    readonly expectedEventId: string,
    readonly foundEventId: string,
  ) {
    super(`stream ${stream} holds event ${foundEventId} where the demo seed expects ${expectedEventId}`);
  }
  override details() {
    return { stream: this.stream, expectedEventId: this.expectedEventId, foundEventId: this.foundEventId };
  }
}
