import type { HubError } from './base.js';
import type { HubErrorCode } from './codes.js';

// ── The codes GraphQL clients see ──────────────────────────────────────────────────────────────

/** Every code a client can find in `errors[].extensions.code`. */
export const API_ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'CONSENT_REQUIRED',
  'CONSENT_EXPIRED',
  'CONSENT_WITHDRAWN',
  'PURPOSE_NOT_ALLOWED',
  'FIELD_NOT_IN_CONTRACT',
  'RATE_LIMITED',
  'BAD_USER_INPUT',
  'UNAVAILABLE',
  'INTERNAL',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** Hub codes that have an API code of their own; every other error is classed by its status. */
const API_CODES = {
  ACCESS_NO_CONTRACT: 'FORBIDDEN',
  ACCESS_PURPOSE_NOT_ALLOWED: 'PURPOSE_NOT_ALLOWED',
  ACCESS_FIELD_NOT_IN_CONTRACT: 'FIELD_NOT_IN_CONTRACT',
  ACCESS_RATE_LIMITED: 'RATE_LIMITED',
  CONSENT_REQUIRED: 'CONSENT_REQUIRED',
  CONSENT_EXPIRED: 'CONSENT_EXPIRED',
  CONSENT_WITHDRAWN: 'CONSENT_WITHDRAWN',
  AUTH_FORBIDDEN: 'FORBIDDEN',
  AUTH_UNAUTHENTICATED: 'UNAUTHENTICATED',
  // a part the hub needs is missing or busy now: said to the caller, who may retry (not a failure of ours)
  PROCEDURE_CATALOGUE_UNAVAILABLE: 'UNAVAILABLE',
  DOSSIER_NUMBER_UNAVAILABLE: 'UNAVAILABLE',
  AUDIT_LOG_BEHIND: 'UNAVAILABLE',
} as const satisfies { readonly [K in HubErrorCode]?: ApiErrorCode };

const hasApiCode = (code: string): code is keyof typeof API_CODES => Object.hasOwn(API_CODES, code);

/** The API code of a HubError: its own when it has one, otherwise by status (4xx is the caller's, 5xx ours). */
export function apiCode(error: HubError): ApiErrorCode {
  if (hasApiCode(error.code)) return API_CODES[error.code];
  if (error.status === 401) return 'UNAUTHENTICATED';
  if (error.status === 403) return 'FORBIDDEN';
  if (error.status === 429) return 'RATE_LIMITED';
  if (error.status >= 400 && error.status < 500) return 'BAD_USER_INPUT';
  return 'INTERNAL';
}
