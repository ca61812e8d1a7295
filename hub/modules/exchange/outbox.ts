import type { Logger } from 'pino';
import type { Clock } from '../../kernel/clock.js';
import { HubError } from '../../kernel/errors/index.js';
import type { IdSource } from '../../kernel/ids.js';
import { moduleLogger } from '../../kernel/logger.js';
import { prepared, type ReadModelDb } from '../../kernel/read-model.js';
import type { HubDirectory, HubEntry } from './directory.js';
import type { EnvelopePort } from './ports.js';
import { type ExchangeService, isRefusalCode, type OutboundMessage } from './service.js';
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
  /** Envelopes one request to a hub carries at most. Default 32. */
  batch?: number;
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
/** The next hub refused the envelope itself (status 02): final. Any other failure is retried. */
const retryable = (code: string) => !isRefusalCode(code);

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
  private stopped = true; // until start()
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
      batch: options.batch ?? 32,
    };
    deps.service.onOutbound((message, attempt) => this.enqueue(message, attempt));
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
    for (const item of this.queue.splice(0))
      this.inFlight.delete(`${item.message.messageKey}|${item.message.hubId}`);
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
      // one request carries up to `batch` messages for the same next hub
      const first = this.queue.shift()!;
      const batch = [first];
      for (let i = 0; i < this.queue.length && batch.length < this.options.batch; ) {
        if (this.queue[i]!.message.hubId === first.message.hubId) batch.push(...this.queue.splice(i, 1));
        else i++;
      }
      this.running++;
      void this.deliver(first.message.hubId, batch)
        .catch((error: unknown) =>
          this.log.error({ err: error, hubId: first.message.hubId }, 'delivery failed'),
        )
        .finally(() => {
          for (const item of batch) this.inFlight.delete(`${item.message.messageKey}|${item.message.hubId}`);
          this.running--;
          if (this.running === 0) for (const resolve of this.idle.splice(0)) resolve();
          this.pump();
        });
    }
  }

  /** One request to the next hub with the envelopes of `batch`, each answered on its own. */
  private async deliver(
    hubId: string,
    batch: { message: OutboundMessage; attempt: number }[],
  ): Promise<void> {
    const hub = this.deps.directory.get(hubId);
    const ready: { message: OutboundMessage; attempt: number; xml: string }[] = [];
    for (const item of batch) {
      try {
        if (!hub) throw new DeliveryError('EXCHANGE_NO_ROUTE', `hub ${hubId} is not in the directory`, false);
        const stored =
          item.message.bytes ??
          (await this.deps.service.envelopeOf(item.message.documentId, item.message.messageKey));
        if (!stored)
          throw new DeliveryError('EXCHANGE_ENVELOPE_MISSING', 'the envelope is not in the store', false);
        const withTrace = this.deps.envelopes.appendTrace(stored, {
          organId: this.deps.key.hubId,
          timestamp: this.deps.clock().toISOString(), // written in the envelope in Vietnam time
        });
        ready.push({ ...item, xml: withTrace.toString('utf8') });
      } catch (error) {
        await this.failed(item.message, item.attempt, error);
      }
    }
    if (!hub || ready.length === 0) return;
    // requests of at most BATCH_BYTES of envelopes (a large one goes alone, as XML)
    const requests: (typeof ready)[] = [];
    let size = Number.POSITIVE_INFINITY;
    for (const item of ready) {
      if (size + item.xml.length > BATCH_BYTES) {
        requests.push([]);
        size = 0;
      }
      requests.at(-1)!.push(item);
      size += item.xml.length;
    }
    await Promise.all(requests.map((items) => this.send(hub, items)));
  }

  private async send(
    hub: HubEntry,
    items: { message: OutboundMessage; attempt: number; xml: string }[],
  ): Promise<void> {
    let answers: BatchAnswer[];
    try {
      answers = await this.post(
        hub,
        items.map((r) => r.xml),
      );
    } catch (error) {
      for (const item of items) await this.failed(item.message, item.attempt, error);
      return;
    }
    await Promise.all(
      items.map(async (item, i) => {
        const answer = answers[i]!;
        if (answer.ok) {
          try {
            await this.deps.service.recordForwarded(item.message, item.attempt, answer.duplicate);
            this.deps.onAttempt?.(hub.hubId, answer.duplicate ? 'duplicate' : 'delivered');
          } catch (error) {
            // delivered but not recorded: the row stays pending, the next attempt is a duplicate
            this.log.error(
              { err: error, documentId: item.message.documentId },
              'could not record a delivery',
            );
          }
          return;
        }
        await this.failed(
          item.message,
          item.attempt,
          new DeliveryError(answer.code, answer.message, retryable(answer.code)),
        );
      }),
    );
  }

  /**
   * POSTs envelopes to a hub as one signed request — one as `application/xml`, several as
   * `application/json` — and gives the hub's answer for each; throws DeliveryError when the request
   * as a whole fails.
   */
  private async post(hub: HubEntry, envelopes: string[]): Promise<BatchAnswer[]> {
    const single = envelopes.length === 1;
    const body = Buffer.from(single ? envelopes[0]! : JSON.stringify({ envelopes }), 'utf8');
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
          headers: {
            'content-type': single ? 'application/xml' : 'application/json',
            [HUB_SIGNATURE_HEADER]: signature,
          },
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs),
        },
      );
    } catch (error) {
      throw new DeliveryError('EXCHANGE_TRANSPORT_FAILED', (error as Error).message, true);
    }
    const answer = (await response.json().catch(() => ({}))) as {
      answers?: BatchAnswer[];
      duplicate?: boolean;
      documentId?: string;
      messageKey?: string;
      code?: string;
      message?: string;
    };
    const code = answer.code ?? `HTTP_${response.status}`;
    const message = answer.message ?? `HTTP ${response.status}`;
    if (single) {
      return response.ok
        ? [
            {
              ok: true,
              duplicate: answer.duplicate === true,
              documentId: answer.documentId ?? '',
              messageKey: answer.messageKey ?? '',
            },
          ]
        : [{ ok: false, status: response.status, code, message }];
    }
    if (!response.ok || !Array.isArray(answer.answers) || answer.answers.length !== envelopes.length) {
      throw new DeliveryError(code, message, !response.ok ? retryable(code) : true);
    }
    return answer.answers;
  }

  private async failed(message: OutboundMessage, attempt: number, error: unknown): Promise<void> {
    const failure =
      error instanceof DeliveryError
        ? error
        : error instanceof HubError && error.status < 500
          ? new DeliveryError(error.code, error.message, false) // this hub cannot prepare it: no retry helps
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

/** Envelope bytes one request carries at most (a larger envelope goes alone). */
const BATCH_BYTES = 4 * 1024 * 1024;

/** The next hub's answer for one envelope of a request (routes.ts). */
export type BatchAnswer =
  | { ok: true; duplicate: boolean; documentId: string; messageKey: string }
  | { ok: false; status: number; code: string; message: string; details?: unknown };

class DeliveryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}
