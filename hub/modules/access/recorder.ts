import type { Logger } from 'pino';
import type { EventData } from '../../kernel/event-store.js';
import { type IdSource, randomId } from '../../kernel/ids.js';
import { moduleLogger } from '../../kernel/logger.js';
import {
  type AccessRateLimited,
  type DataAccessDenied,
  type DataAccessed,
  type Gathered,
  RATE_LIMITED_LISTS,
  rateLimitedStream,
} from './events.js';
import type { StreamAppender } from './stream-appender.js';

export interface AccessRecorderOptions {
  /** How long identical refusals are gathered into one record. Default 60 s. */
  windowMs?: number;
  /** Most refusal windows held at once; past it the oldest is written early. Default 10,000. */
  maxHeld?: number;
  now?: () => number;
  /** Ids of the events that stand for several refusals. Default random UUIDs. */
  ids?: IdSource;
  logger: Logger;
}

interface Window {
  startedAt: number;
  /** Refusals held since the one written when the window opened. */
  held: { count: number; firstAt: string; last: DataAccessDenied } | null;
}

/** An agency's RATE_LIMITED refusals since its window opened (the first one is already written). */
interface LimitedWindow {
  startedAt: number;
  held: AccessRateLimited | null;
}

/** What makes two refusals the same: everything but the request, the token and the time. */
function identity(d: DataAccessDenied['data']): string {
  return JSON.stringify([
    d.caller.agency,
    d.caller.official,
    d.caller.role,
    d.dataset,
    d.reason,
    d.fields,
    d.purpose,
    d.dossier,
    d.contract,
    d.consentId,
    d.truncated ?? null,
  ]);
}

function gather(list: Gathered, value: string, max: number): void {
  if (list.listed.includes(value)) return;
  if (list.listed.length < max) list.listed.push(value);
  else list.others++;
}

/**
 * Writes the citizens' access streams and the agencies' rate-limited refusals. A release is appended before the caller sees anything. A
 * refusal is too, unless it repeats the refusal that opened a window less than a window ago (same
 * caller, citizen, purpose, fields, reason): then it is only counted, and one `DataAccessDenied` with
 * `repeated: { count, firstAt, lastAt }` stands for all the repeats. A flood of N identical refusals
 * thus writes two events per window while every refusal stays accounted for. Held repeats are
 * written when the window closes, before anything else is written to the same stream (so the stream
 * stays in order), and on `close()`; they are lost only if the process dies.
 *
 * A refusal as RATE_LIMITED goes to no citizen's stream: it is gathered per agency, across citizens,
 * into `AccessRateLimited` on the agency's `accesslimited-` stream — the first of a window at once,
 * the others of the window as one record listing the citizens, purposes and officials they named (up
 * to `RATE_LIMITED_LISTS`), written when the window closes, on `close()`, or before anything else
 * the agency causes is written. A flood naming N different citizens thus writes O(1) events per
 * window.
 */
export class AccessRecorder {
  /** Open windows by stream, then by the refusal's identity. */
  private readonly streams = new Map<string, Map<string, Window>>();
  /** Open windows of rate-limited refusals, by agency. */
  private readonly limited = new Map<string, LimitedWindow>();
  private open = 0;
  private readonly windowMs: number;
  private readonly maxHeld: number;
  private readonly now: () => number;
  private readonly ids: IdSource;
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
    this.ids = options.ids ?? randomId;
    this.log = moduleLogger(options.logger, 'access-recorder');
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

  /**
   * Appends a release, after any refusals held for the same stream or the same agency; `along`
   * (e.g. its `DisclosureDeferred`) goes in the same commit, so either all are written or none.
   */
  async released(stream: string, event: DataAccessed, along: readonly EventData[] = []): Promise<void> {
    // checked here first: a release with nothing held (the usual case) waits for nothing else
    const agency = event.data.caller.agency;
    if (this.limited.get(agency)?.held) await this.flushLimited(agency);
    if (this.streams.has(stream)) await this.flushStream(stream);
    await this.appender.append(stream, along.length === 0 ? event : [event, ...along]);
  }

  /**
   * Records a refusal: written now when it opens a window, counted in the open window otherwise.
   * RATE_LIMITED refusals go to the agency's `AccessRateLimited` records instead of `stream`.
   */
  async denied(stream: string, event: DataAccessDenied): Promise<void> {
    if (event.data.reason === 'RATE_LIMITED') return this.rateLimited(event);
    await this.flushLimited(event.data.caller.agency);
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
    for (const [agency, w] of [...this.limited]) {
      if (t - w.startedAt < this.windowMs) continue;
      if (this.limited.get(agency) === w) this.limited.delete(agency);
      await this.writeLimited(agency, w);
    }
    for (const [stream, key, w] of this.all())
      if (t - w.startedAt >= this.windowMs) await this.flush(stream, key, w);
  }

  /** Writes every held refusal now. */
  async flushAll(): Promise<void> {
    for (const agency of [...this.limited.keys()]) await this.flushLimited(agency);
    for (const [stream, key, w] of this.all()) await this.flush(stream, key, w);
  }

  /** A RATE_LIMITED refusal: written at once when it opens the agency's window, gathered otherwise. */
  private async rateLimited(event: DataAccessDenied): Promise<void> {
    const d = event.data;
    const agency = d.caller.agency;
    const t = this.now();
    const current = this.limited.get(agency);
    if (current && t - current.startedAt < this.windowMs) {
      current.held = this.gathered(current.held, event);
      return;
    }
    const window: LimitedWindow = { startedAt: t, held: null };
    this.limited.set(agency, window);
    if (current) await this.writeLimited(agency, current);
    try {
      await this.appender.append(rateLimitedStream(agency), this.gathered(null, event, event.id));
    } catch (error) {
      if (!window.held && this.limited.get(agency) === window) this.limited.delete(agency);
      throw error;
    }
  }

  /** `event` added to `into`, or a new record of it alone. */
  private gathered(into: AccessRateLimited | null, event: DataAccessDenied, id?: string): AccessRateLimited {
    const d = event.data;
    const at = event.metadata.occurredAt;
    const record: AccessRateLimited = into ?? {
      id: id ?? this.ids(),
      type: 'AccessRateLimited',
      data: {
        agency: d.caller.agency,
        count: 0,
        firstAt: at,
        lastAt: at,
        subjects: { listed: [], others: 0 },
        purposes: { listed: [], others: 0 },
        officials: { listed: [], others: 0 },
      },
      metadata: event.metadata,
    };
    const r = record.data;
    r.count++;
    r.lastAt = at;
    record.metadata = event.metadata;
    gather(r.subjects, d.subject, RATE_LIMITED_LISTS.subjects);
    gather(r.purposes, d.purpose, RATE_LIMITED_LISTS.purposes);
    gather(r.officials, d.caller.official, RATE_LIMITED_LISTS.officials);
    return record;
  }

  /** Writes what an agency's window holds; the window stays open. */
  private async flushLimited(agency: string): Promise<void> {
    const w = this.limited.get(agency);
    if (w?.held) await this.writeLimited(agency, w);
  }

  private async writeLimited(agency: string, w: LimitedWindow): Promise<void> {
    const held = w.held;
    if (!held) return;
    w.held = null;
    await this.appender.append(rateLimitedStream(agency), held);
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
            id: this.ids(),
            data: {
              ...last.data,
              repeated: { count: held.count, firstAt: held.firstAt, lastAt: last.metadata.occurredAt },
            },
          };
    await this.appender.append(stream, event);
  }
}
