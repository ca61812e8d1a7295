/**
 * The folder connector: an agency's document system and its hub's exchange, through two folders.
 * `runDocumentFolder` makes one pass of each side (`once`) or watches until its signal aborts:
 * `fs.watch` on the outgoing folder and a rescan every `intervalMs`, each side backing off on its
 * own after a failure (1 s doubling to `maxBackoffMs`), so an unreachable hub delays but never
 * reorders or loses a file.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { type Clock, systemClock } from '../../hub/kernel/clock.js';
import { DocumentFolderConfigError, type HubError } from '../../hub/kernel/errors/index.js';
import { removeTemporaryFiles } from './files.js';
import { ExchangeClient, tokenFromFile } from './hub-client.js';
import { type IncomingHooks, type IncomingOptions, receiveIncoming } from './incoming.js';
import {
  type OutgoingHooks,
  type OutgoingOptions,
  prepareOutgoing,
  SettleRule,
  sendOutgoing,
} from './outgoing.js';

export interface DocumentFolderOptions {
  /** The hub's base URL. */
  hub: string;
  /** File holding the agency's bearer token (read at each request, never logged). */
  tokenFile: string;
  /** Where the document system writes envelopes to send; none: nothing is sent. */
  outgoing?: string;
  /** Where envelopes that reached the organ are written; none: nothing is received. */
  incoming?: string;
  /** One pass of each side, then return. Default: watch until `signal` aborts. */
  once?: boolean;
  /** Rescan and inbox poll period (ms). Default 5000. */
  intervalMs?: number;
  /** How long a file must stay unchanged before it is sent (ms). Default 2000. */
  settleMs?: number;
  /** Inbox items per request (1–500). Default 50. */
  pageSize?: number;
  /** Longest wait between retries after a failure (ms). Default 300000. */
  maxBackoffMs?: number;
  /** Deadline of each request to the hub (ms). Default 60000. */
  timeoutMs?: number;
  logger: Logger;
  signal?: AbortSignal;
  clock?: Clock;
  hooks?: OutgoingHooks & IncomingHooks;
}

/** Counts over the whole run. */
export interface DocumentFolderCounts {
  /** Accepted by the hub (201). */
  sent: number;
  /** Answered as already received (200): a file sent again after a crash. */
  duplicates: number;
  /** Refused by the hub, moved to `refused/`. */
  refused: number;
  /** Written to the incoming folder. */
  documents: number;
  statuses: number;
  /** Passes that stopped on a failure (the files kept, retried). */
  failures: number;
}

export interface DocumentFolderResult {
  counts: DocumentFolderCounts;
  /** The last failure when a side had not recovered from it at the end (in `once`: any failure). */
  stoppedBy?: HubError;
  /** The cursor at the end (with an incoming folder). */
  after?: number;
  /** Files still being written at the end of a `once` pass (not sent). */
  waiting: boolean;
}

const FIRST_RETRY_MS = 1000;
/** Changes seen by `fs.watch` are looked at this long after the first (a file written in many parts). */
const WATCH_DEBOUNCE_MS = 200;

/** One side's schedule: when it runs next, and how long the next back-off is. */
interface Side {
  name: 'outgoing' | 'incoming';
  nextAt: number;
  backoffMs: number;
  failure?: HubError;
}

async function checkedFolder(option: string, dir: string): Promise<string> {
  const stat = await fsp.stat(dir).catch(() => undefined);
  if (!stat?.isDirectory()) throw new DocumentFolderConfigError(option, `${dir} is not a folder`);
  return path.resolve(dir);
}

/**
 * Runs the connector. Resolves with the counts when `once` is done or `signal` aborted (after
 * the file in hand). Throws for options that cannot work (`DocumentFolderConfigError`: folders,
 * the hub's URL, the token file at start) and for what is no failure of the hub (a folder that
 * cannot be written); the hub unavailable or refusing is logged and retried.
 */
export async function runDocumentFolder(options: DocumentFolderOptions): Promise<DocumentFolderResult> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const intervalMs = options.intervalMs ?? 5000;
  const maxBackoffMs = options.maxBackoffMs ?? 300_000;
  const pageSize = options.pageSize ?? 50;
  if (!options.outgoing && !options.incoming)
    throw new DocumentFolderConfigError('--outgoing', 'or --incoming is required (a folder to watch)');
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 500)
    throw new DocumentFolderConfigError('--page-size', 'must be between 1 and 500');
  const outgoing = options.outgoing && (await checkedFolder('--outgoing', options.outgoing));
  const incoming = options.incoming && (await checkedFolder('--incoming', options.incoming));
  if (outgoing && incoming && outgoing === incoming)
    throw new DocumentFolderConfigError('--incoming', 'must be another folder than --outgoing');
  const token = tokenFromFile(options.tokenFile);
  await token(); // a wrong path fails now; later a token file being renewed is a failure retried
  const client = new ExchangeClient({ hub: options.hub, token, timeoutMs: options.timeoutMs });
  if (outgoing) await prepareOutgoing(outgoing);
  if (incoming) {
    const removed = await removeTemporaryFiles(incoming);
    if (removed > 0) logger.info({ removed }, 'temporary files of an interrupted write removed');
  }

  const counts: DocumentFolderCounts = {
    sent: 0,
    duplicates: 0,
    refused: 0,
    documents: 0,
    statuses: 0,
    failures: 0,
  };
  const result: DocumentFolderResult = { counts, waiting: false };
  const out: OutgoingOptions | undefined = outgoing
    ? { dir: outgoing, client, logger, settleMs: options.settleMs ?? 2000, clock }
    : undefined;
  const rule = new SettleRule(out?.settleMs ?? 0, clock);
  const inc: IncomingOptions | undefined = incoming ? { dir: incoming, client, logger, pageSize } : undefined;
  const sides: Side[] = [];
  if (out) sides.push({ name: 'outgoing', nextAt: 0, backoffMs: 0 });
  if (inc) sides.push({ name: 'incoming', nextAt: 0, backoffMs: 0 });

  /** One pass of a side; a failure is counted, logged and scheduled for retry. */
  const pass = async (side: Side): Promise<void> => {
    let failure: HubError | undefined;
    if (side.name === 'outgoing') {
      const p = await sendOutgoing(out!, rule, options.hooks);
      counts.sent += p.sent;
      counts.duplicates += p.duplicates;
      counts.refused += p.refused;
      result.waiting = p.waitUntil !== undefined;
      side.nextAt = Math.min(clock().getTime() + intervalMs, p.waitUntil ?? Number.POSITIVE_INFINITY);
      failure = p.failure;
    } else {
      const p = await receiveIncoming(inc!, options.hooks);
      counts.documents += p.documents;
      counts.statuses += p.statuses;
      result.after = p.after;
      side.nextAt = clock().getTime() + intervalMs;
      failure = p.failure;
    }
    if (!failure) {
      if (side.failure) logger.info({ side: side.name }, 'the hub answers again');
      side.failure = undefined;
      side.backoffMs = 0;
      return;
    }
    counts.failures++;
    side.failure = failure;
    side.backoffMs = Math.min(maxBackoffMs, side.backoffMs === 0 ? FIRST_RETRY_MS : side.backoffMs * 2);
    side.nextAt = clock().getTime() + side.backoffMs;
    logger.error(
      {
        side: side.name,
        code: failure.code,
        ...failure.details(),
        retryInMs: options.once ? undefined : side.backoffMs,
      },
      `${side.name} pass stopped: ${failure.message}`,
    );
  };
  const stoppedBy = () => sides.find((s) => s.failure)?.failure;

  if (options.once) {
    for (const side of sides) await pass(side);
    result.stoppedBy = stoppedBy();
    return result;
  }

  let changedAt: number | undefined;
  const wakeUp = watchFolder(outgoing, logger, () => {
    changedAt ??= clock().getTime();
  });
  const outgoingSide = sides.find((s) => s.name === 'outgoing');
  try {
    while (!options.signal?.aborted) {
      for (const side of sides) {
        if (options.signal?.aborted) break;
        if (clock().getTime() >= side.nextAt) await pass(side);
      }
      // a file appeared or changed: look soon, unless the side is backing off after a failure
      if (changedAt !== undefined && outgoingSide && !outgoingSide.failure)
        outgoingSide.nextAt = Math.min(outgoingSide.nextAt, changedAt + WATCH_DEBOUNCE_MS);
      changedAt = undefined;
      const next = Math.min(...sides.map((s) => s.nextAt));
      await wakeUp.sleep(Math.max(0, next - clock().getTime()), options.signal);
    }
  } finally {
    wakeUp.close();
  }
  result.stoppedBy = stoppedBy();
  return result;
}

/** `fs.watch` on a folder, turned into an early end of `sleep`. */
function watchFolder(dir: string | undefined, logger: Logger, onChange: () => void) {
  let wake: (() => void) | undefined;
  let watcher: fs.FSWatcher | undefined;
  if (dir) {
    try {
      watcher = fs.watch(dir, { persistent: false }, () => {
        onChange();
        wake?.();
      });
      watcher.on('error', (error) => {
        logger.warn(
          { code: (error as NodeJS.ErrnoException).code },
          'watching the outgoing folder failed; rescanning only',
        );
        watcher?.close();
      });
    } catch (error) {
      logger.warn(
        { code: (error as NodeJS.ErrnoException).code },
        'the outgoing folder cannot be watched; rescanning only',
      );
    }
  }
  return {
    sleep(ms: number, signal?: AbortSignal): Promise<void> {
      return new Promise((resolve) => {
        if (signal?.aborted) return resolve();
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, ms);
        wake = done;
        signal?.addEventListener('abort', done, { once: true });
      });
    },
    close() {
      watcher?.close();
    },
  };
}
