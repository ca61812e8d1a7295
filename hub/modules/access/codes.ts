import type { HubError } from '../../kernel/errors/index.js';

const API_CODES: Record<string, string> = {
  ACCESS_NO_CONTRACT: 'FORBIDDEN',
  ACCESS_PURPOSE_NOT_ALLOWED: 'PURPOSE_NOT_ALLOWED',
  ACCESS_FIELD_NOT_IN_CONTRACT: 'FIELD_NOT_IN_CONTRACT',
  ACCESS_RATE_LIMITED: 'RATE_LIMITED',
  CONSENT_REQUIRED: 'CONSENT_REQUIRED',
  CONSENT_EXPIRED: 'CONSENT_EXPIRED',
  CONSENT_WITHDRAWN: 'CONSENT_WITHDRAWN',
  AUTH_FORBIDDEN: 'FORBIDDEN',
  AUTH_UNAUTHENTICATED: 'UNAUTHENTICATED',
};

/** Maps a HubError to one of the API's codes (UNAUTHENTICATED, FORBIDDEN, CONSENT_*, …, INTERNAL). */
export function apiCode(error: HubError): string {
  const mapped = API_CODES[error.code];
  if (mapped) return mapped;
  if (error.status === 401) return 'UNAUTHENTICATED';
  if (error.status === 403) return 'FORBIDDEN';
  if (error.status === 429) return 'RATE_LIMITED';
  if (error.status >= 400 && error.status < 500) return 'BAD_USER_INPUT';
  return 'INTERNAL';
}
