import { hubUrl } from './router.tsx';

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

interface ResponseBody {
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
  const unknownField = /Cannot query field "(\w+)" on type "Query"/.exec(message);
  if (unknownField) return new ApiError('unsupported', message, { ...details, field: unknownField[1] });
  const kind = (code && KIND_BY_CODE[code]) || (status >= 400 ? kindOfStatus(status) : 'internal');
  return new ApiError(kind, message, details);
}

async function bodyOf(response: Response): Promise<ResponseBody | undefined> {
  try {
    return (await response.json()) as ResponseBody;
  } catch {
    return undefined;
  }
}

async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError('network', (error as Error).message);
  }
}

/** One GraphQL request with the bearer token; the first error, if any, thrown as an `ApiError`. */
export async function graphql<T>(
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
  signal?: AbortSignal,
): Promise<T> {
  const response = await send(hubUrl('graphql'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    signal,
  });
  const body = await bodyOf(response);
  if (!response.ok || !body || (body.errors && body.errors.length > 0)) throw errorOf(response.status, body);
  return body.data as T;
}

/** A file the hub exports (`access-log/export?…`), fetched with the bearer token. */
export interface Download {
  blob: Blob;
  /** The name the hub gives it (Content-Disposition), or `fallback`. */
  filename: string;
}

export async function fetchDownload(token: string, path: string, fallback: string): Promise<Download> {
  const response = await send(hubUrl(path), { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw errorOf(response.status, await bodyOf(response));
  const disposition = response.headers.get('content-disposition') ?? '';
  const named = /filename\*=UTF-8''([^;]+)|filename="?([^";]+)"?/i.exec(disposition);
  const filename = named ? decodeURIComponent(named[1] ?? named[2]!) : fallback;
  return { blob: await response.blob(), filename };
}

/** Hands a downloaded file to the browser as a saved file (no address holds the token). */
export function saveFile({ blob, filename }: Download): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
