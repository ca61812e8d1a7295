import { defineError } from './base.js';

// ── Authentication and authorization ───────────────────────────────────────────────────────────

/** Who-are-you: no token, or a token that does not verify. Never names the token or its claims' values. */
export class AuthUnauthenticatedError extends defineError({
  code: 'AUTH_UNAUTHENTICATED',
  status: 401,
  args: (
    reason: string,
    /** RFC 6750 error code; absent when no credentials were presented. */
    challengeError?: 'invalid_token' | 'invalid_request',
  ) => ({ reason, challengeError }),
  message: (d) => `unauthenticated: ${d.reason}`,
  expose: (d) => ({ reason: d.reason }),
}) {
  /** Set on the reply by fastify (RFC 6750 challenge). */
  readonly headers: Record<string, string> = {
    'www-authenticate': `Bearer realm="lienthong"${
      this.challengeError ? `, error="${this.challengeError}", error_description="${this.reason}"` : ''
    }`,
  };
}

/** Not-allowed: the caller is known but may not do this. */
export class AuthForbiddenError extends defineError({
  code: 'AUTH_FORBIDDEN',
  status: 403,
  args: (reason: string, required: readonly string[] = []) => ({ reason, required }),
  message: (d) => `forbidden: ${d.reason}`,
  expose: (d) => ({ reason: d.reason, ...(d.required.length > 0 ? { required: d.required } : {}) }),
}) {}

/** An allowlisted JWKS URL could not be fetched in time; the caller may retry. */
export class AuthKeysUnavailableError extends defineError({
  code: 'AUTH_KEYS_UNAVAILABLE',
  status: 503,
  retryable: true,
  args: (agency: string) => ({ agency }),
  message: (d) => `signing keys of agency ${d.agency} are unavailable`,
}) {}
