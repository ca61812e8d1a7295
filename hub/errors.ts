/**
 * Every error the hub raises on purpose, grouped by area. Each carries a stable `code`
 * (`<AREA>_<WHAT>`), an HTTP status for the API layer and structured details; none carries
 * personal data in its message.
 */
export abstract class HubError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  /** Classification used by connectors and retries. */
  readonly retryable: boolean = false;

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, ...this.details() };
  }

  details(): Record<string, unknown> {
    return {};
  }
}

// ── Event store ────────────────────────────────────────────────────────────────────────────────

export class WrongExpectedRevisionError extends HubError {
  readonly code = 'EVENTSTORE_WRONG_EXPECTED_REVISION';
  readonly status = 409;
  constructor(
    readonly stream: string,
    readonly expected: string | number,
    /** Current revision of the stream, or 'no_stream'. */
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${stream}: expected revision ${expected}, actual ${actual}`);
  }
  override details() {
    return { stream: this.stream, expected: this.expected, actual: this.actual };
  }
}

export class StreamNotFoundError extends HubError {
  readonly code = 'EVENTSTORE_STREAM_NOT_FOUND';
  readonly status = 404;
  constructor(readonly stream: string) {
    super(`stream ${stream} not found`);
  }
  override details() {
    return { stream: this.stream };
  }
}

/** An event id was reused with different content (or in another stream, or in a different batch). */
export class EventIdConflictError extends HubError {
  readonly code = 'EVENTSTORE_EVENT_ID_CONFLICT';
  readonly status = 409;
  constructor(
    readonly eventId: string,
    readonly stream: string,
    readonly reason: string,
  ) {
    super(`event id ${eventId} (stream ${stream}) was already used: ${reason}`);
  }
  override details() {
    return { eventId: this.eventId, stream: this.stream, reason: this.reason };
  }
}

export class InvalidStreamNameError extends HubError {
  readonly code = 'EVENTSTORE_INVALID_STREAM_NAME';
  readonly status = 400;
  constructor(readonly stream: string) {
    super(`invalid stream name ${JSON.stringify(stream)}: expected <category>-<id>`);
  }
  override details() {
    return { stream: this.stream };
  }
}

export class InvalidAppendError extends HubError {
  readonly code = 'EVENTSTORE_INVALID_APPEND';
  readonly status = 400;
}

export class StorageFullError extends HubError {
  readonly code = 'EVENTSTORE_STORAGE_FULL';
  readonly status = 507;
  override readonly retryable = true;
  constructor(readonly location: string) {
    super(`event store at ${location} is full: nothing was written; free space and retry`);
  }
  override details() {
    return { location: this.location };
  }
}

/** The file at startup is not a Lienthong event store, or is damaged. It is never overwritten. */
export class StoreFileError extends HubError {
  readonly code = 'EVENTSTORE_BAD_FILE';
  readonly status = 500;
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}; the file was left untouched`);
  }
  override details() {
    return { file: this.file, reason: this.reason };
  }
}

export class StoreClosedError extends HubError {
  readonly code = 'EVENTSTORE_CLOSED';
  readonly status = 503;
  constructor() {
    super('event store is closed');
  }
}

export class StoreUnavailableError extends HubError {
  readonly code = 'EVENTSTORE_UNAVAILABLE';
  readonly status = 503;
  override readonly retryable = true;
}

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

// ── Configuration ──────────────────────────────────────────────────────────────────────────────

export class ConfigError extends HubError {
  readonly code = 'CONFIG_INVALID';
  readonly status = 500;
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`${variable}: ${reason}`);
  }
  override details() {
    return { variable: this.variable };
  }
}

// ── Projections ────────────────────────────────────────────────────────────────────────────────

export class UnknownProjectionError extends HubError {
  readonly code = 'PROJECTION_UNKNOWN';
  readonly status = 404;
  constructor(
    readonly projection: string,
    readonly known: readonly string[],
  ) {
    super(`unknown projection ${JSON.stringify(projection)}; known: ${known.join(', ')}`);
  }
}

/** A projection's handler threw: its batch was rolled back and the projection stopped. */
export class ProjectionFailedError extends HubError {
  readonly code = 'PROJECTION_FAILED';
  readonly status = 500;
  constructor(
    readonly projection: string,
    /** Position of the event being applied, or of the last event of the batch when the batch failed as a whole. */
    readonly position: number,
    readonly eventType: string | null,
    readonly reason: string,
  ) {
    super(
      `projection ${projection} failed at position ${position}${eventType ? ` (${eventType})` : ''}: ${reason}`,
    );
  }
  override details() {
    return {
      projection: this.projection,
      position: this.position,
      eventType: this.eventType,
      reason: this.reason,
    };
  }
}

/** The read-model file holds another version of a projection than this code (another process rebuilt it). */
export class ProjectionVersionConflictError extends HubError {
  readonly code = 'PROJECTION_VERSION_CONFLICT';
  readonly status = 409;
  constructor(
    readonly projection: string,
    readonly stored: number,
    readonly expected: number,
  ) {
    super(`projection ${projection}: read model has version ${stored}, this code expects ${expected}`);
  }
  override details() {
    return { projection: this.projection, stored: this.stored, expected: this.expected };
  }
}

/** `store check` found problems in a database file. */
export class IntegrityCheckError extends HubError {
  readonly code = 'CHECK_INTEGRITY_FAILED';
  readonly status = 500;
  constructor(readonly problems: number) {
    super(`integrity check found ${problems} problem(s); see the report above`);
  }
  override details() {
    return { problems: this.problems };
  }
}

/** The shared live subscription ended although the runner did not stop it (e.g. the store was closed). */
export class LiveSubscriptionEndedError extends HubError {
  readonly code = 'PROJECTION_SUBSCRIPTION_ENDED';
  readonly status = 503;
  override readonly retryable = true;
  constructor() {
    super('the live event subscription ended unexpectedly; projections will catch up again');
  }
}

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
  constructor(readonly reason: string) {
    super(`invalid consent: ${reason}`);
  }
  override details() {
    return { reason: this.reason };
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

export class RateLimitedError extends HubError {
  readonly code = 'ACCESS_RATE_LIMITED';
  readonly status = 429;
  override readonly retryable = true;
  constructor(
    readonly contractId: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`rate limit of contract ${contractId} reached; retry in ${retryAfterSeconds}s`);
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

// ── GraphQL API ────────────────────────────────────────────────────────────────────────────────

export class ApiBadInputError extends HubError {
  readonly code = 'API_BAD_INPUT';
  readonly status = 400;
  constructor(
    readonly reason: string,
    readonly limit?: { name: string; max: number; actual: number },
  ) {
    super(reason);
  }
  override details() {
    return this.limit ? { limit: this.limit } : {};
  }
}

// ── HTTP service ───────────────────────────────────────────────────────────────────────────────

export class RouteNotFoundError extends HubError {
  readonly code = 'HTTP_ROUTE_NOT_FOUND';
  readonly status = 404;
  constructor(
    readonly method: string,
    readonly path: string,
  ) {
    super(`no route ${method} ${path}`);
  }
  override details() {
    return { method: this.method, path: this.path };
  }
}

/** A request the HTTP layer refused before any handler ran (bad JSON, wrong media type, too large). */
export class BadRequestError extends HubError {
  readonly code = 'HTTP_BAD_REQUEST';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

// ── Authentication and agencies ────────────────────────────────────────────────────────────────

/** Who-are-you: no token, or a token that does not verify. Never names the token or its claims' values. */
export class AuthUnauthenticatedError extends HubError {
  readonly code = 'AUTH_UNAUTHENTICATED';
  readonly status = 401;
  /** Set on the reply by fastify (RFC 6750 challenge). */
  readonly headers: Record<string, string>;
  constructor(
    readonly reason: string,
    /** RFC 6750 error code; absent when no credentials were presented. */
    readonly challengeError?: 'invalid_token' | 'invalid_request',
  ) {
    super(`unauthenticated: ${reason}`);
    const error = challengeError ? `, error="${challengeError}", error_description="${reason}"` : '';
    this.headers = { 'www-authenticate': `Bearer realm="lienthong"${error}` };
  }
  override details() {
    return { reason: this.reason };
  }
}

/** Not-allowed: the caller is known but may not do this. */
export class AuthForbiddenError extends HubError {
  readonly code = 'AUTH_FORBIDDEN';
  readonly status = 403;
  constructor(
    readonly reason: string,
    readonly required: readonly string[] = [],
  ) {
    super(`forbidden: ${reason}`);
  }
  override details() {
    return { reason: this.reason, ...(this.required.length > 0 ? { required: this.required } : {}) };
  }
}

/** An allowlisted JWKS URL could not be fetched in time; the caller may retry. */
export class AuthKeysUnavailableError extends HubError {
  readonly code = 'AUTH_KEYS_UNAVAILABLE';
  readonly status = 503;
  override readonly retryable = true;
  constructor(readonly agency: string) {
    super(`signing keys of agency ${agency} are unavailable`);
  }
  override details() {
    return { agency: this.agency };
  }
}

export class AgencyNotFoundError extends HubError {
  readonly code = 'AGENCY_NOT_FOUND';
  readonly status = 404;
  constructor(readonly organCode: string) {
    super(`agency ${organCode} is not registered`);
  }
  override details() {
    return { organCode: this.organCode };
  }
}

/** A command conflicts with the agency's current state (already registered differently, retired, …). */
export class AgencyStateError extends HubError {
  readonly code = 'AGENCY_INVALID_STATE';
  readonly status = 409;
  constructor(
    readonly organCode: string,
    readonly reason: string,
  ) {
    super(`agency ${organCode}: ${reason}`);
  }
  override details() {
    return { organCode: this.organCode, reason: this.reason };
  }
}

export interface FileIssue {
  file: string;
  /** JSON pointer into the document, e.g. `/fields/2`; empty for the whole file. */
  path: string;
  /** 1-based line, when known. */
  line?: number;
  message: string;
}

/** A YAML/JSON input file (agency descriptor, contract) is malformed or invalid. */
export class InvalidDocumentError extends HubError {
  readonly code = 'DOCUMENT_INVALID';
  readonly status = 400;
  constructor(readonly issues: FileIssue[]) {
    super(issues.map(formatFileIssue).join('\n'));
  }
  override details() {
    return { issues: this.issues };
  }
}

export const formatFileIssue = (i: FileIssue) =>
  `${i.file}${i.line ? `:${i.line}` : ''}: ${i.path || '/'} ${i.message}`;

// ── Contracts ──────────────────────────────────────────────────────────────────────────────────

export class ContractNotFoundError extends HubError {
  readonly code = 'CONTRACT_NOT_FOUND';
  readonly status = 404;
  constructor(readonly contractId: string) {
    super(`contract ${contractId} is not registered`);
  }
  override details() {
    return { contractId: this.contractId };
  }
}

export class ContractStateError extends HubError {
  readonly code = 'CONTRACT_INVALID_STATE';
  readonly status = 409;
  constructor(
    readonly contractId: string,
    readonly reason: string,
  ) {
    super(`contract ${contractId}: ${reason}`);
  }
  override details() {
    return { contractId: this.contractId, reason: this.reason };
  }
}

// ── Connectors ─────────────────────────────────────────────────────────────────────────────────

/**
 * How a connector failure should be handled: `config` needs a person to fix configuration, mapping
 * or grants (retrying will not help); `transient` may succeed on retry (network, killed connection,
 * timeout); `system` is a defect or an unexpected state of the source or the hub.
 */
export type ConnectorFailure = 'config' | 'transient' | 'system';

export interface ConnectorIssue {
  /** JSON pointer to the offending field, e.g. `/streams/0/cursorField`. */
  path: string;
  message: string;
}

export abstract class ConnectorError extends HubError {
  abstract readonly failure: ConnectorFailure;
  override details(): Record<string, unknown> {
    return { failure: this.failure };
  }
}

/** A manifest, mapping or configuration does not validate. Nothing was read or written. */
export class ConnectorConfigError extends ConnectorError {
  readonly code = 'CONNECTOR_CONFIG_INVALID';
  readonly status = 400;
  readonly failure = 'config';
  constructor(
    readonly subject: string,
    readonly issues: ConnectorIssue[],
  ) {
    super(`${subject}: ${issues.map((i) => `${i.path || '/'} ${i.message}`).join('; ')}`);
  }
  override details() {
    return { failure: this.failure, subject: this.subject, issues: this.issues };
  }
}

export type SourceErrorReason =
  | 'UNREACHABLE'
  | 'AUTH_FAILED'
  | 'DATABASE_MISSING'
  | 'TABLE_MISSING'
  | 'COLUMN_MISSING'
  | 'PERMISSION_DENIED'
  | 'CONNECTION_LOST'
  | 'TIMEOUT'
  | 'QUERY_FAILED';

const SOURCE_FAILURE: Record<SourceErrorReason, ConnectorFailure> = {
  UNREACHABLE: 'transient',
  AUTH_FAILED: 'config',
  DATABASE_MISSING: 'config',
  TABLE_MISSING: 'config',
  COLUMN_MISSING: 'config',
  PERMISSION_DENIED: 'config',
  CONNECTION_LOST: 'transient',
  TIMEOUT: 'transient',
  QUERY_FAILED: 'system',
};

/** The source database refused or failed: code `CONNECTOR_SOURCE_<REASON>`, classified by reason. */
export class ConnectorSourceError extends ConnectorError {
  readonly code: string;
  readonly status = 502;
  readonly failure: ConnectorFailure;
  override readonly retryable: boolean;
  constructor(
    readonly reason: SourceErrorReason,
    /** The source system, without credentials (e.g. `postgres://127.0.0.1:5432/population`). */
    readonly system: string,
    message: string,
  ) {
    super(`${system}: ${message}`);
    this.code = `CONNECTOR_SOURCE_${reason}`;
    this.failure = SOURCE_FAILURE[reason];
    this.retryable = this.failure === 'transient';
  }
  override details() {
    return { failure: this.failure, reason: this.reason, system: this.system };
  }
}

/** More rows were rejected than the configured tolerance: the run stopped after the last good checkpoint. */
export class ConnectorErrorToleranceError extends ConnectorError {
  readonly code = 'CONNECTOR_ERROR_TOLERANCE_EXCEEDED';
  readonly status = 422;
  readonly failure = 'config';
  constructor(
    readonly rejected: number,
    readonly read: number,
    readonly tolerance: number,
    /** Failing field paths with how often each failed. */
    readonly paths: Record<string, number>,
  ) {
    const top = Object.entries(paths)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([p, n]) => `${p} (${n})`)
      .join(', ');
    super(`${rejected} of ${read} rows rejected, above the tolerance of ${tolerance}; most frequent: ${top}`);
  }
  override details() {
    return { failure: this.failure, rejected: this.rejected, read: this.read, paths: this.paths };
  }
}

/** The connector is running (its lock is held by a live process): reset and a second sync must wait. */
export class ConnectorBusyError extends ConnectorError {
  readonly code = 'CONNECTOR_RUNNING';
  readonly status = 409;
  readonly failure = 'transient';
  constructor(
    readonly connector: string,
    readonly pid: number,
  ) {
    super(`connector ${connector} is running (process ${pid}); wait for it to finish`);
  }
  override details() {
    return { failure: this.failure, connector: this.connector, pid: this.pid };
  }
}

export class ConnectorNotFoundError extends ConnectorError {
  readonly code = 'CONNECTOR_NOT_FOUND';
  readonly status = 404;
  readonly failure = 'config';
  constructor(
    readonly connector: string,
    readonly dir: string,
  ) {
    super(`no connector ${connector}: ${dir} has no connector.json`);
  }
}

// ── Synthetic source databases (scripts/sources) ───────────────────────────────────────────────

/** A source target that cannot be used: unknown kind, malformed URL, missing database name. */
export class SourceTargetError extends HubError {
  readonly code = 'SOURCE_TARGET_INVALID';
  readonly status = 400;
  constructor(
    readonly kind: string,
    reason: string,
  ) {
    super(`${kind} source target: ${reason}`);
  }
  override details() {
    return { kind: this.kind };
  }
}

/** The database server for a source could not be reached. */
export class SourceUnavailableError extends HubError {
  readonly code = 'SOURCE_UNAVAILABLE';
  readonly status = 503;
  override readonly retryable = true;
  constructor(
    readonly kind: string,
    reason: string,
  ) {
    super(`${kind} server unavailable: ${reason}`);
  }
  override details() {
    return { kind: this.kind };
  }
}
