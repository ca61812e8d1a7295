/** What went wrong with a call to the hub, as the console tells the user. */
export type ApiErrorKind =
  | 'unauthenticated'
  | 'forbidden'
  | 'bad-input'
  | 'unsupported'
  | 'rate-limited'
  | 'unavailable'
  | 'network'
  | 'internal';

export interface ApiErrorDetails {
  /** The API's code (`extensions.code`, or the HTTP body's `code`). */
  code?: string;
  /** The hub's finer code (`extensions.hubCode`). */
  hubCode?: string;
  /** Why a token was refused (`token expired`, `signature verification failed`, …). */
  reason?: string;
  status?: number;
  /** For `unsupported`: the query field this hub does not have. */
  field?: string;
}

/** A typed failure of a call to the hub. */
export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    readonly details: ApiErrorDetails = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface ErrorEntry {
  message?: string;
  extensions?: { code?: string; hubCode?: string; reason?: string };
}

export interface ResponseBody {
  data?: unknown;
  errors?: ErrorEntry[];
  /** The HTTP layer's own error shape. */
  code?: string;
  message?: string;
  details?: { reason?: string };
}

const KIND_BY_CODE: Record<string, ApiErrorKind> = {
  UNAUTHENTICATED: 'unauthenticated',
  AUTH_UNAUTHENTICATED: 'unauthenticated',
  FORBIDDEN: 'forbidden',
  AUTH_FORBIDDEN: 'forbidden',
  RATE_LIMITED: 'rate-limited',
  BAD_USER_INPUT: 'bad-input',
  UNAVAILABLE: 'unavailable',
  INTERNAL: 'internal',
};

function kindOfStatus(status: number): ApiErrorKind {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 429) return 'rate-limited';
  if (status === 503) return 'unavailable';
  return status >= 400 && status < 500 ? 'bad-input' : 'internal';
}

/** The error a response carries, whichever shape (GraphQL `errors`, or the HTTP layer's `{ code, message, details }`). */
export function errorOf(status: number, body: ResponseBody | undefined): ApiError {
  const first = body?.errors?.[0];
  const code = first?.extensions?.code ?? body?.code;
  const message = first?.message ?? body?.message ?? `HTTP ${status}`;
  const reason = first?.extensions?.reason ?? body?.details?.reason;
  const details: ApiErrorDetails = { status, code, hubCode: first?.extensions?.hubCode, reason };
  // a part of the API this hub does not have (yet): a root field, or a type its arguments name
  const unknown = /Cannot query field "(\w+)" on type "Query"|Unknown type "(\w+)"/.exec(message);
  if (unknown) return new ApiError('unsupported', message, { ...details, field: unknown[1] ?? unknown[2] });
  // a code of its own (CONSENT_REQUIRED …) is a refusal of this request, told with the hub's message
  const kind = code ? (KIND_BY_CODE[code] ?? 'bad-input') : status >= 400 ? kindOfStatus(status) : 'internal';
  return new ApiError(kind, message, details);
}
