import fs from 'node:fs';
import { ExchangeInputError } from '../../kernel/errors/index.js';

/** A hub's GraphQL API as an organ's official reaches it from the CLI: its URL and a bearer token. */
export interface RemoteHub {
  url: string;
  token: string;
}

/** The hub and token of `--hub` / `--token-file` (or LIENTHONG_HUB_URL / LIENTHONG_TOKEN_FILE). */
export function remoteHub(options: { hub?: string; tokenFile?: string }, env: NodeJS.ProcessEnv): RemoteHub {
  const url = options.hub ?? env.LIENTHONG_HUB_URL;
  const tokenFile = options.tokenFile ?? env.LIENTHONG_TOKEN_FILE;
  if (!url || !/^https?:\/\/\S+$/.test(url))
    throw new ExchangeInputError('--hub', 'the URL of a hub is required (http[s]://…)');
  if (!tokenFile)
    throw new ExchangeInputError('--token-file', "a file holding the organ's bearer token is required");
  let token: string;
  try {
    token = fs.readFileSync(tokenFile, 'utf8').trim();
  } catch (error) {
    throw new ExchangeInputError('--token-file', `cannot be read (${(error as NodeJS.ErrnoException).code})`);
  }
  if (!token) throw new ExchangeInputError('--token-file', 'is empty');
  return { url: url.replace(/\/$/, ''), token };
}

/** A GraphQL request to the hub; the first error becomes an ExchangeInputError naming its code. */
export async function remoteGraphql<T>(
  hub: RemoteHub,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${hub.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${hub.token}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new ExchangeInputError('--hub', `cannot reach ${hub.url} (${(error as Error).message})`);
  }
  const body = (await response.json().catch(() => ({}))) as {
    data?: T;
    errors?: { message: string; extensions?: { code?: string; hubCode?: string } }[];
  };
  const error = body.errors?.[0];
  if (error) {
    const code = error.extensions?.hubCode ?? error.extensions?.code ?? `HTTP_${response.status}`;
    throw new ExchangeInputError('hub', `${code}: ${error.message}`);
  }
  if (!body.data) throw new ExchangeInputError('hub', `HTTP ${response.status} without data`);
  return body.data;
}
