import { HubError } from './base.js';

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
