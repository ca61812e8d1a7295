import { ApiError, errorOf, type ResponseBody } from './api-errors.ts';
import { hubUrl } from './router.tsx';

export { ApiError, type ApiErrorKind } from './api-errors.ts';

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
