/**
 * The hub's exchange as an organ's document system calls it, in the style of the national exchange
 * axis: send an envelope, read the inbox, fetch an envelope. Every answer is classified here, once:
 * a document refused (the hub's typed 4xx), the connector refused (token, role, address) or the
 * hub unavailable (network, timeout, 5xx, 408, 429).
 */
import fs from 'node:fs/promises';
import {
  DocumentFolderConfigError,
  DocumentFolderHubRefusedError,
  DocumentFolderHubUnavailableError,
} from '../../hub/kernel/errors/index.js';

/** The hub's error body: `{ code, message, details }`. */
export interface HubErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** What `POST /exchange/v1/send` answers (201, or 200 for a message it already had). */
export interface SendReceipt {
  documentId: string;
  messageKey: string;
  kind: 'document' | 'status';
  duplicate: boolean;
  routes: unknown[];
  position?: number;
}

/** The fields of an inbox item the connector reads (the hub sends more). */
export interface InboxItem {
  messageKey: string;
  documentId: string;
  kind: 'document' | 'status';
  fromOrgan: string;
  statusCode: string | null;
  businessType: string | null;
  position: number;
}

export type SendResult =
  | { outcome: 'accepted' | 'duplicate'; httpStatus: 200 | 201; receipt: SendReceipt }
  | { outcome: 'refused'; httpStatus: number; error: HubErrorBody };

export interface ExchangeClientOptions {
  /** The hub's base URL, e.g. `https://hub.example.gov.vn`. */
  hub: string;
  /** The agency's bearer token, read when a request is made (so a renewed token file is used). */
  token: () => Promise<string>;
  /** Deadline of each request. Default 60 s. */
  timeoutMs?: number;
}

/** Codes of answers that concern the connector, not the document, even on `send`. */
const CONNECTOR_CODES = new Set(['ROUTE_NOT_FOUND', 'AUTH_UNAUTHENTICATED']);
const TRANSIENT_STATUS = new Set([408, 429]);
const MESSAGE_KEY = /^[0-9a-f]{64}$/;

/** A token from a file: its content, trimmed; the file is read at every call and never logged. */
export function tokenFromFile(file: string): () => Promise<string> {
  return async () => {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      throw new DocumentFolderConfigError(
        '--token-file',
        `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    const token = text.trim();
    if (!token || /\s/.test(token))
      throw new DocumentFolderConfigError('--token-file', 'must hold one bearer token');
    return token;
  };
}

/** The hub's address as logs and errors show it: scheme, host and path, never credentials or a query. */
export function hubLabel(hub: string): string {
  const url = new URL(hub);
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/$/, '')}`;
}

/** A client of one hub's exchange, for one agency. */
export class ExchangeClient {
  private readonly base: string;
  private readonly label: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: ExchangeClientOptions) {
    let url: URL;
    try {
      url = new URL(options.hub);
    } catch {
      throw new DocumentFolderConfigError('--hub', 'must be a URL (http:// or https://)');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new DocumentFolderConfigError('--hub', 'must be a URL (http:// or https://)');
    if (url.username || url.password || url.search)
      throw new DocumentFolderConfigError('--hub', 'must hold no credentials or query');
    this.base = url.href.replace(/\/$/, '');
    this.label = hubLabel(options.hub);
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  /**
   * Sends a signed envelope (`POST /exchange/v1/send?channel=folder`). A typed 4xx about the
   * document is `refused`; the connector refused or the hub unavailable throw.
   */
  async send(envelope: Uint8Array): Promise<SendResult> {
    const response = await this.request('/exchange/v1/send?channel=folder', {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: envelope,
    });
    const body = await this.json(response);
    if (response.status === 200 || response.status === 201) {
      const receipt = body as Partial<SendReceipt>;
      if (typeof receipt.messageKey !== 'string' || typeof receipt.documentId !== 'string')
        throw this.unexpected(response.status, 'a receipt without messageKey or documentId');
      return {
        outcome: response.status === 201 ? 'accepted' : 'duplicate',
        httpStatus: response.status,
        receipt: receipt as SendReceipt,
      };
    }
    const error = this.failure(response.status, body);
    return { outcome: 'refused', httpStatus: response.status, error };
  }

  /** What reached the organ after `after`, oldest first (`GET /exchange/v1/inbox`). */
  async inbox(after: number, limit: number): Promise<InboxItem[]> {
    const response = await this.request(`/exchange/v1/inbox?after=${after}&limit=${limit}`, {
      method: 'GET',
    });
    const body = await this.json(response);
    if (response.status !== 200)
      throw this.refusedConnector(response.status, this.failure(response.status, body));
    const items = (body as { items?: unknown }).items;
    if (!Array.isArray(items)) throw this.unexpected(200, 'an inbox without items');
    for (const item of items) {
      const i = item as Partial<InboxItem>;
      const position = i.position;
      if (
        typeof i.messageKey !== 'string' ||
        !MESSAGE_KEY.test(i.messageKey) ||
        typeof i.documentId !== 'string' ||
        (i.kind !== 'document' && i.kind !== 'status') ||
        typeof position !== 'number' ||
        !Number.isSafeInteger(position) ||
        position <= after
      ) {
        throw this.unexpected(
          200,
          'an inbox item without a message key, document id, kind or later position',
        );
      }
    }
    return items as InboxItem[];
  }

  /** The envelope of a message the organ sent or received (`GET /exchange/v1/messages/:key/envelope`). */
  async envelope(messageKey: string): Promise<Buffer> {
    const response = await this.request(`/exchange/v1/messages/${messageKey}/envelope`, { method: 'GET' });
    if (response.status !== 200) {
      throw this.refusedConnector(response.status, this.failure(response.status, await this.json(response)));
    }
    return Buffer.from(await this.readBody(response));
  }

  private async request(pathAndQuery: string, init: RequestInit): Promise<Response> {
    const token = await this.options.token();
    let response: Response;
    try {
      response = await fetch(`${this.base}${pathAndQuery}`, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new DocumentFolderHubUnavailableError(this.label, describeFetchError(error, this.timeoutMs));
    }
    if (response.status >= 500 || TRANSIENT_STATUS.has(response.status)) {
      const body = await this.json(response).catch(() => undefined);
      const code = (body as Partial<HubErrorBody> | undefined)?.code;
      throw new DocumentFolderHubUnavailableError(
        this.label,
        `answered ${response.status}${typeof code === 'string' ? ` ${code}` : ''}`,
        response.status,
      );
    }
    return response;
  }

  private async readBody(response: Response): Promise<ArrayBuffer> {
    try {
      return await response.arrayBuffer();
    } catch (error) {
      throw new DocumentFolderHubUnavailableError(this.label, describeFetchError(error, this.timeoutMs));
    }
  }

  /** The body as JSON; an answer that is not JSON comes from something that is not the exchange. */
  private async json(response: Response): Promise<unknown> {
    const text = Buffer.from(await this.readBody(response)).toString('utf8');
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw this.unexpected(
        response.status,
        `an answer that is not JSON (${response.headers.get('content-type') ?? 'no content type'})`,
      );
    }
  }

  /** A non-2xx answer of the exchange: its typed error, or the connector refused when it is none. */
  private failure(status: number, body: unknown): HubErrorBody {
    const error = body as Partial<HubErrorBody> | undefined;
    if (typeof error?.code !== 'string' || typeof error.message !== 'string' || status < 400) {
      throw this.unexpected(status, 'an answer without the exchange error code');
    }
    const typed: HubErrorBody = {
      code: error.code,
      message: error.message,
      ...(error.details && typeof error.details === 'object' ? { details: error.details } : {}),
    };
    if (status === 401 || CONNECTOR_CODES.has(typed.code)) throw this.refusedConnector(status, typed);
    return typed;
  }

  private refusedConnector(status: number, error: HubErrorBody): DocumentFolderHubRefusedError {
    return new DocumentFolderHubRefusedError(this.label, status, error.code, error.message);
  }

  private unexpected(status: number, problem: string): DocumentFolderHubRefusedError {
    return new DocumentFolderHubRefusedError(
      this.label,
      status,
      undefined,
      `answered ${problem}; is it a hub's address?`,
    );
  }
}

/** What went wrong on the way, without the request (it holds the token). */
function describeFetchError(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  return e.cause?.code ?? e.cause?.message ?? 'the request failed';
}
