/**
 * The outgoing side: the envelopes a document system writes into `<outgoing>/`, sent one at a
 * time in name order; each moved to `sent/` with its receipt, or to `refused/` with the hub's
 * error, only after the hub answered. A file re-sent after a crash between the answer and the move
 * is answered as a duplicate and moved then.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { type Clock, systemClock } from '../../hub/kernel/clock.js';
import { HubError } from '../../hub/kernel/errors/index.js';
import { freeName, moveDurably, readIfPresent, writeFileDurably } from './files.js';
import type { ExchangeClient, SendResult } from './hub-client.js';

export const SENT_DIR = 'sent';
export const REFUSED_DIR = 'refused';

/** Files the connector takes: `*.xml` (any case), not hidden. `*.xml.part` is still being written. */
const TAKEN = /^[^.].*\.xml$/i;

export interface OutgoingOptions {
  dir: string;
  client: ExchangeClient;
  logger: Logger;
  /** A file is taken once unchanged (size, modification time) for this long. */
  settleMs: number;
  clock?: Clock;
}

/** Called between the hub's answer and the files being moved: a crash there is the one to survive. */
export interface OutgoingHooks {
  afterSend?(file: string, result: SendResult): Promise<void> | void;
}

/** What one pass did. */
export interface OutgoingPass {
  sent: number;
  duplicates: number;
  refused: number;
  /** A file is still being written: the pass stopped before it, to keep the order; look again then. */
  waitUntil?: number;
  /** The hub unavailable or refusing the connector: the pass stopped at the file in hand, left in place. */
  failure?: HubError;
}

/** Size and modification time of a file when first seen so, and when. */
type Observation = { size: number; mtimeMs: number; seenAt: number };

/**
 * The settle rule: a file is ready when its modification time is `settleMs` in the past, or when
 * it has kept one size and modification time since it was first seen `settleMs` ago (a clock of a
 * file server ahead of this machine's). Observations carry over from pass to pass.
 */
export class SettleRule {
  private readonly seen = new Map<string, Observation>();

  constructor(
    private readonly settleMs: number,
    private readonly clock: Clock = systemClock,
  ) {}

  /** `true` when ready; else the instant (ms) to look again. */
  check(name: string, stat: { size: number; mtimeMs: number }): true | number {
    const now = this.clock().getTime();
    if (now - stat.mtimeMs >= this.settleMs) {
      this.seen.delete(name);
      return true;
    }
    const earlier = this.seen.get(name);
    if (earlier && earlier.size === stat.size && earlier.mtimeMs === stat.mtimeMs) {
      if (now - earlier.seenAt >= this.settleMs) {
        this.seen.delete(name);
        return true;
      }
      return earlier.seenAt + this.settleMs;
    }
    this.seen.set(name, { size: stat.size, mtimeMs: stat.mtimeMs, seenAt: now });
    return Math.min(now + this.settleMs, stat.mtimeMs + this.settleMs);
  }

  forget(name: string): void {
    this.seen.delete(name);
  }
}

/** The files waiting in `dir`, in name order (by UTF-16 code units: zero-pad sequence numbers). */
export async function outgoingFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && TAKEN.test(e.name))
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Creates `sent/` and `refused/` under `dir`. */
export async function prepareOutgoing(dir: string): Promise<void> {
  await fs.mkdir(path.join(dir, SENT_DIR), { recursive: true });
  await fs.mkdir(path.join(dir, REFUSED_DIR), { recursive: true });
}

/**
 * One pass: every ready file in name order, each sent and moved before the next. Stops at a file
 * still being written (`waitUntil`), and at one the hub could not take (`failure`: unavailable, or
 * refusing the connector), which stays in place. Anything else (a folder that cannot be written)
 * throws.
 */
export async function sendOutgoing(
  options: OutgoingOptions,
  rule: SettleRule,
  hooks: OutgoingHooks = {},
): Promise<OutgoingPass> {
  const pass: OutgoingPass = { sent: 0, duplicates: 0, refused: 0 };
  for (const name of await outgoingFiles(options.dir)) {
    const file = path.join(options.dir, name);
    const stat = await statIfPresent(file);
    if (!stat) continue; // taken back by the document system meanwhile
    const ready = rule.check(name, stat);
    if (ready !== true) {
      options.logger.debug({ file: name }, 'waiting for the file to be written');
      pass.waitUntil = ready;
      return pass;
    }
    const bytes = await readIfPresent(file);
    if (!bytes) continue;
    if (bytes.length !== stat.size) {
      // written to while it was read: not finished after all
      rule.forget(name);
      pass.waitUntil = (options.clock ?? systemClock)().getTime() + options.settleMs;
      return pass;
    }
    let outcome: SendResult['outcome'];
    try {
      outcome = await sendFile(options, name, bytes, hooks);
    } catch (error) {
      if (!(error instanceof HubError)) throw error;
      pass.failure = error;
      return pass;
    }
    rule.forget(name);
    if (outcome === 'accepted') pass.sent++;
    else if (outcome === 'duplicate') pass.duplicates++;
    else pass.refused++;
  }
  return pass;
}

/** Sends one file and moves it after the answer; `sent/` or `refused/` with its sidecar. */
export async function sendFile(
  options: OutgoingOptions,
  name: string,
  bytes: Buffer,
  hooks: OutgoingHooks = {},
): Promise<SendResult['outcome']> {
  const { logger } = options;
  const result = await options.client.send(bytes);
  await hooks.afterSend?.(name, result);
  if (result.outcome === 'refused') {
    const dir = path.join(options.dir, REFUSED_DIR);
    const target = await freeName(dir, name);
    const error = { httpStatus: result.httpStatus, ...result.error };
    await writeFileDurably(path.join(dir, `${target}.error.json`), `${JSON.stringify(error, null, 2)}\n`);
    await moveDurably(path.join(options.dir, name), path.join(dir, target));
    logger.warn(
      { file: name, movedTo: `${REFUSED_DIR}/${target}`, code: result.error.code, status: result.httpStatus },
      'envelope refused by the hub',
    );
    return 'refused';
  }
  const dir = path.join(options.dir, SENT_DIR);
  const target = await freeName(dir, name);
  const receiptFile = path.join(dir, `${target}.receipt.json`);
  // A receipt of the same message already there (written before a crash) is the first answer: kept.
  const earlier = await readIfPresent(receiptFile);
  if (!earlier || messageKeyOf(earlier) !== result.receipt.messageKey) {
    await writeFileDurably(receiptFile, `${JSON.stringify(result.receipt, null, 2)}\n`);
  }
  await moveDurably(path.join(options.dir, name), path.join(dir, target));
  logger.info(
    {
      file: name,
      movedTo: `${SENT_DIR}/${target}`,
      documentId: result.receipt.documentId,
      messageKey: result.receipt.messageKey,
      duplicate: result.outcome === 'duplicate',
    },
    'envelope sent',
  );
  return result.outcome;
}

async function statIfPresent(file: string): Promise<{ size: number; mtimeMs: number } | undefined> {
  try {
    return await fs.stat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function messageKeyOf(receipt: Buffer): string | undefined {
  try {
    return (JSON.parse(receipt.toString('utf8')) as { messageKey?: string }).messageKey;
  } catch {
    return undefined;
  }
}
