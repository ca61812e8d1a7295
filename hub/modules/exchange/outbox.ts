import type { Logger } from 'pino';
import type { Clock } from '../../kernel/clock.js';
import type { IdSource } from '../../kernel/ids.js';
import { moduleLogger } from '../../kernel/logger.js';
import { prepared, type ReadModelDb } from '../../kernel/read-model.js';
import type { HubDirectory } from './directory.js';
import type { EnvelopePort } from './ports.js';
import type { ExchangeService, OutboundMessage } from './service.js';
import { HUB_SIGNATURE_HEADER, type HubKey, signHubRequest } from './transport.js';

export interface OutboxOptions {
  /** Deliveries in flight at once, all destinations together. Default 32. */
  concurrency?: number;
  /** First retry delay; doubled per attempt up to `maxDelayMs`. Default 1 s. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How often the read model is scanned for due deliveries (restarts, retries). Default 1 s. */
  scanEveryMs?: number;
  /** Per request. Default 15 s. */
  timeoutMs?: number;
}

export interface OutboxDeps {
  service: ExchangeService;
  directory: HubDirectory;
  envelopes: EnvelopePort;
  key: HubKey;
  /** The `exchange` read model (its `exchange_outbox` table). */
  readModels: ReadModelDb;
  logger: Logger;
  clock: Clock;
  ids: IdSource;
  /** Observes each attempt (metrics). */
  onAttempt?: (hubId: string, outcome: 'delivered' | 'duplicate' | 'retry' | 'refused') => void;
}

interface DueRow {
  message_key: string;
  hub_id: string;
  document_id: string;
  envelope_sha256: string;
  attempts: number;
}

/** Codes of the next hub's answer that a retry cannot change: the message is refused (status 02). */
const RETRYABLE_STATUS = (status: number) => status >= 500 || status === 408 || status === 429;

/**
 * Hands recorded messages to the next hub: at least once, until acknowledged, with exponential
 * backoff — the next hub recognises a message it already holds, so the effect is exactly once.
 * Work arrives straight from the service when a message is recorded, and from the `exchange_outbox`
 * read model (after a restart, and for retries that are due): a hub killed mid-delivery delivers
 * again when it is back.
 */
export class Outbox {
  private readonly log: Logger;
  private readonly inFlight = new Set<string>();
  private readonly queue: { message: OutboundMessage; attempt: number }[] = [];
  private readonly options: Required<OutboxOptions>;
  private timer: NodeJS.Timeout | undefined;
  private running = 0;
  private stopped = false;
  private idle: (() => void)[] = [];

  constructor(
    private readonly deps: OutboxDeps,
    options: OutboxOptions = {},
  ) {
    this.log = moduleLogger(deps.logger, 'exchange-outbox');
    this.options = {
      concurrency: options.concurrency ?? 32,
      baseDelayMs: options.baseDelayMs ?? 1000,
      maxDelayMs: options.maxDelayMs ?? 5 * 60_000,
      scanEveryMs: options.scanEveryMs ?? 1000,
      timeoutMs: options.timeoutMs ?? 15_000,
    };
    deps.service.onOutbound((message) => this.enqueue(message, 1));
  }

  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      try {
        this.scan();
      } catch (error) {
        this.log.error({ err: error }, 'outbox scan failed');
      }
      this.timer = setTimeout(tick, this.options.scanEveryMs);
      this.timer.unref();
    };
    tick();
  }

  /** Stops taking work and waits for deliveries in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.queue.length = 0;
    if (this.running > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  /** Messages waiting (queued or in flight). */
  get pending(): number {
    return this.queue.length + this.running;
  }

  private enqueue(message: OutboundMessage, attempt: number): void {
    const id = `${message.messageKey}|${message.hubId}`;
    if (this.stopped || this.inFlight.has(id)) return;
    this.inFlight.add(id);
    this.queue.push({ message, attempt });
    this.pump();
  }

  /** Due rows of the read model not already in hand. */
  private scan(): void {
    const rows = prepared<[string], DueRow>(
      this.deps.readModels,
      `SELECT message_key, hub_id, document_id, envelope_sha256, attempts FROM exchange_outbox
       WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT 500`,
    ).all(this.deps.clock().toISOString());
    for (const row of rows) {
      this.enqueue(
        {
          documentId: row.document_id,
          messageKey: row.message_key,
          hubId: row.hub_id,
          envelopeSha256: row.envelope_sha256,
        },
        row.attempts + 1,
      );
    }
  }

  private pump(): void {
    while (this.running < this.options.concurrency && this.queue.length > 0) {
      const next = this.queue.shift()!;
      this.running++;
      void this.deliver(next.message, next.attempt).finally(() => {
        this.inFlight.delete(`${next.message.messageKey}|${next.message.hubId}`);
        this.running--;
        if (this.running === 0) for (const resolve of this.idle.splice(0)) resolve();
        this.pump();
      });
    }
  }

  private async deliver(message: OutboundMessage, attempt: number): Promise<void> {
    const hub = this.deps.directory.get(message.hubId);
    try {
      if (!hub)
        throw new DeliveryError('EXCHANGE_NO_ROUTE', `hub ${message.hubId} is not in the directory`, false);
      const stored =
        message.bytes ?? (await this.deps.service.envelopeOf(message.documentId, message.messageKey));
      if (!stored)
        throw new DeliveryError('EXCHANGE_ENVELOPE_MISSING', 'the envelope is not in the store', false);
      const body = this.deps.envelopes.appendTrace(stored, {
        organId: this.deps.key.hubId,
        timestamp: this.deps.clock().toISOString(), // written in the envelope in Vietnam time
      });
      const signature = await signHubRequest(
        this.deps.key,
        { to: hub.hubId, body },
        this.deps.clock,
        this.deps.ids,
      );
      let response: Response;
      try {
        response = await fetch(
          new URL('exchange/v1/envelopes', hub.url.endsWith('/') ? hub.url : `${hub.url}/`),
          {
            method: 'POST',
            headers: { 'content-type': 'application/xml', [HUB_SIGNATURE_HEADER]: signature },
            body,
            signal: AbortSignal.timeout(this.options.timeoutMs),
          },
        );
      } catch (error) {
        throw new DeliveryError('EXCHANGE_TRANSPORT_FAILED', (error as Error).message, true);
      }
      const answer = (await response.json().catch(() => ({}))) as {
        duplicate?: boolean;
        error?: { code?: string; message?: string };
        code?: string;
        message?: string;
      };
      if (!response.ok) {
        const code = answer.error?.code ?? answer.code ?? `HTTP_${response.status}`;
        const reason = answer.error?.message ?? answer.message ?? `HTTP ${response.status}`;
        throw new DeliveryError(code, reason, RETRYABLE_STATUS(response.status));
      }
      await this.deps.service.recordForwarded(message, attempt, answer.duplicate === true);
      this.deps.onAttempt?.(message.hubId, answer.duplicate === true ? 'duplicate' : 'delivered');
    } catch (error) {
      await this.failed(message, attempt, error);
    }
  }

  private async failed(message: OutboundMessage, attempt: number, error: unknown): Promise<void> {
    const failure =
      error instanceof DeliveryError
        ? error
        : new DeliveryError('EXCHANGE_TRANSPORT_FAILED', String(error), true);
    const delay = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** (attempt - 1));
    const retryAt = failure.retryable
      ? new Date(this.deps.clock().getTime() + delay * (0.8 + Math.random() * 0.4))
      : undefined;
    this.log.warn(
      {
        documentId: message.documentId,
        hubId: message.hubId,
        attempt,
        code: failure.code,
        retry: failure.retryable,
      },
      'delivery to the next hub failed',
    );
    this.deps.onAttempt?.(message.hubId, failure.retryable ? 'retry' : 'refused');
    try {
      await this.deps.service.recordFailed(message, {
        attempt,
        code: failure.code,
        reason: failure.message,
        permanent: !failure.retryable,
        ...(retryAt ? { retryAt } : {}),
      });
    } catch (recordError) {
      this.log.error(
        { err: recordError, documentId: message.documentId },
        'could not record a failed delivery',
      );
    }
  }
}

class DeliveryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}
