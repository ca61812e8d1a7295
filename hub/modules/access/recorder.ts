import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { DataAccessDenied, DataAccessed } from './events.js';
import type { StreamAppender } from './stream-appender.js';

export interface AccessRecorderOptions {
  /** How long identical refusals are gathered into one record. Default 60 s. */
  windowMs?: number;
  /** Most refusal windows held at once; past it the oldest is written early. Default 10,000. */
  maxHeld?: number;
  now?: () => number;
  logger: Logger;
}

interface Window {
  startedAt: number;
  /** Refusals held since the one written when the window opened. */
  held: { count: number; firstAt: string; last: DataAccessDenied } | null;
}

/**
 * What makes two refusals the same: everything but the request, the token and the time. Once a caller
 * is over its rate limit, its refusals are the same whatever purpose, dossier or fields they name, so
 * varying them does not write more.
 */
function identity(d: DataAccessDenied['data']): string {
  const caller = [d.caller.agency, d.caller.official, d.caller.role, d.dataset, d.reason];
  if (d.reason === 'RATE_LIMITED') return JSON.stringify(caller);
  return JSON.stringify([
    ...caller,
    d.fields,
    d.purpose,
    d.dossier,
    d.contract,
    d.consentId,
    d.truncated ?? null,
  ]);
}

/**
 * Writes the citizens' access streams. A release is appended before the caller sees anything. A
 * refusal is too, unless it repeats the refusal that opened a window less than a window ago (same
 * caller, citizen, purpose, fields, reason): then it is only counted, and one `DataAccessDenied` with
 * `repeated: { count, firstAt, lastAt }` stands for all the repeats. A flood of N identical refusals
 * thus writes two events per window while every refusal stays accounted for. Held repeats are
 * written when the window closes, before anything else is written to the same stream (so the stream
 * stays in order), and on `close()`; they are lost only if the process dies.
 */
export class AccessRecorder {
  /** Open windows by stream, then by the refusal's identity. */
  private readonly streams = new Map<string, Map<string, Window>>();
  private open = 0;
  private readonly windowMs: number;
  private readonly maxHeld: number;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;
  private readonly log: Logger;
  private sweeping: Promise<void> = Promise.resolve();

  constructor(
    private readonly appender: StreamAppender,
    options: AccessRecorderOptions,
  ) {
    this.windowMs = options.windowMs ?? 60_000;
    this.maxHeld = options.maxHeld ?? 10_000;
    this.now = options.now ?? Date.now;
    this.log = options.logger.child({ module: 'access-recorder' });
    this.timer = setInterval(
      () => {
        this.sweeping = this.flushEnded().catch((err) =>
          this.log.error({ err }, 'held refusals not written'),
        );
      },
      Math.max(1000, this.windowMs / 4),
    );
    this.timer.unref();
  }

  /** Appends a release, after any refusals held for the same stream. */
  async released(stream: string, event: DataAccessed): Promise<void> {
    if (this.streams.has(stream)) await this.flushStream(stream);
    await this.appender.append(stream, event);
  }

  /** Records a refusal: written now when it opens a window, counted in the open window otherwise. */
  async denied(stream: string, event: DataAccessDenied): Promise<void> {
    const key = identity(event.data);
    const t = this.now();
    const current = this.streams.get(stream)?.get(key);
    if (current && t - current.startedAt < this.windowMs) {
      const at = event.metadata.occurredAt;
      current.held = current.held
        ? { count: current.held.count + 1, firstAt: current.held.firstAt, last: event }
        : { count: 1, firstAt: at, last: event };
      return;
    }
    // a different refusal (or the same one after its window): what is held for the stream goes first
    await this.flushStream(stream);
    if (this.open >= this.maxHeld) {
      const [oldestStream, windows] = this.streams.entries().next().value!;
      const [oldestKey, oldest] = windows.entries().next().value!;
      await this.flush(oldestStream, oldestKey, oldest);
    }
    const window: Window = { startedAt: t, held: null };
    this.add(stream, key, window);
    try {
      await this.appender.append(stream, event);
    } catch (error) {
      if (!window.held) this.remove(stream, key, window);
      throw error;
    }
  }

  /** Writes every held refusal whose window has closed. */
  async flushEnded(): Promise<void> {
    const t = this.now();
    for (const [stream, key, w] of this.all())
      if (t - w.startedAt >= this.windowMs) await this.flush(stream, key, w);
  }

  /** Writes every held refusal now. */
  async flushAll(): Promise<void> {
    for (const [stream, key, w] of this.all()) await this.flush(stream, key, w);
  }

  /** Stops the window timer and writes what is held (on shutdown, before the store closes). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
    await this.flushAll();
  }

  private all(): [string, string, Window][] {
    return [...this.streams].flatMap(([stream, windows]) =>
      [...windows].map(([key, w]) => [stream, key, w] as [string, string, Window]),
    );
  }

  private add(stream: string, key: string, w: Window): void {
    let windows = this.streams.get(stream);
    if (!windows) {
      windows = new Map();
      this.streams.set(stream, windows);
    }
    if (!windows.has(key)) this.open++;
    windows.set(key, w);
  }

  private remove(stream: string, key: string, w: Window): void {
    const windows = this.streams.get(stream);
    if (windows?.get(key) !== w) return;
    windows.delete(key);
    this.open--;
    if (windows.size === 0) this.streams.delete(stream);
  }

  private async flushStream(stream: string): Promise<void> {
    for (const [key, w] of [...(this.streams.get(stream) ?? [])]) await this.flush(stream, key, w);
  }

  private async flush(stream: string, key: string, w: Window): Promise<void> {
    this.remove(stream, key, w);
    const held = w.held;
    if (!held) return;
    w.held = null;
    const { last } = held;
    const event: DataAccessDenied =
      held.count === 1
        ? last
        : {
            ...last,
            id: randomUUID(),
            data: {
              ...last.data,
              repeated: { count: held.count, firstAt: held.firstAt, lastAt: last.metadata.occurredAt },
            },
          };
    await this.appender.append(stream, event);
  }
}
