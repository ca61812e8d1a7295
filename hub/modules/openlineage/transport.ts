import { OpenLineageQueryError, OpenLineageTransportError } from '../../kernel/errors/index.js';
import type { RunEvent } from './facets.js';

/** How long one POST may take. */
const POST_TIMEOUT_MS = 10_000;

/** The endpoint of `--url`: an http(s) URL (credentials in it are refused: they would show in logs). */
export function endpointOf(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OpenLineageQueryError('--url', `is not a URL: ${JSON.stringify(value.slice(0, 80))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new OpenLineageQueryError('--url', `must be http:// or https:// (got ${url.protocol})`);
  if (url.username || url.password) throw new OpenLineageQueryError('--url', 'must not hold credentials');
  return url;
}

/**
 * OpenLineage's HTTP transport: each event POSTed as JSON to the endpoint (e.g. Marquez
 * `/api/v1/lineage`), one after another, in order. Stops at the first event the endpoint does not
 * take (a status other than 2xx, no answer within 10 s), naming how many went before it.
 */
export class HttpTransport {
  sent = 0;

  constructor(private readonly url: URL) {}

  async emit(event: RunEvent): Promise<void> {
    const shown = this.url.origin + this.url.pathname;
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(POST_TIMEOUT_MS),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new OpenLineageTransportError(shown, this.sent, `no answer (${cause ?? (error as Error).name})`);
    }
    if (!response.ok) {
      const body = (await response.text().catch(() => '')).slice(0, 200);
      throw new OpenLineageTransportError(
        shown,
        this.sent,
        `answered ${response.status} to event ${this.sent + 1}${body ? `: ${body}` : ''}`,
      );
    }
    await response.arrayBuffer().catch(() => undefined);
    this.sent += 1;
  }
}
