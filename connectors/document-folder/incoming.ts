/**
 * The incoming side: what reached the organ, page by page from the cursor in `<incoming>/.cursor`,
 * each envelope written whole as `<position>-<kind>-<documentId>.xml`; the cursor moves only after
 * the page's files are durable. A restart resumes after the last durable cursor: a page fetched
 * again writes the same names over the same bytes.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import { DocumentFolderCursorInvalidError, HubError } from '../../hub/kernel/errors/index.js';
import { readIfPresent, safeNamePart, syncDirectory, writeFileDurably } from './files.js';
import type { ExchangeClient, InboxItem } from './hub-client.js';

export const CURSOR_FILE = '.cursor';
/** Digits of the position in a file name, so that name order is arrival order. */
const POSITION_DIGITS = 12;

export interface IncomingOptions {
  dir: string;
  client: ExchangeClient;
  logger: Logger;
  /** Inbox items per request (1–500). */
  pageSize: number;
}

/** Called after a page's files are durable and before the cursor moves past them. */
export interface IncomingHooks {
  beforeCursor?(after: number, files: readonly string[]): Promise<void> | void;
}

/** What one pass did. */
export interface IncomingPass {
  documents: number;
  statuses: number;
  /** The cursor after the pass. */
  after: number;
  /** The hub unavailable or refusing the connector: the pass stopped, the cursor after the last whole page. */
  failure?: HubError;
}

/** The file an inbox item is written to: `000000001234-document-000.00.00.G09_2025_01_01_….xml`. */
export function incomingName(item: Pick<InboxItem, 'position' | 'kind' | 'documentId'>): string {
  return `${String(item.position).padStart(POSITION_DIGITS, '0')}-${item.kind}-${safeNamePart(item.documentId)}.xml`;
}

/** The position received last (0 before anything was). */
export async function readCursor(dir: string): Promise<number> {
  const file = path.join(dir, CURSOR_FILE);
  const bytes = await readIfPresent(file);
  if (!bytes) return 0;
  let after: unknown;
  try {
    after = (JSON.parse(bytes.toString('utf8')) as { after?: unknown }).after;
  } catch {
    throw new DocumentFolderCursorInvalidError(file, 'is not JSON');
  }
  if (typeof after !== 'number' || !Number.isSafeInteger(after) || after < 0)
    throw new DocumentFolderCursorInvalidError(file, 'has no "after" position (a whole number ≥ 0)');
  return after;
}

/** Moves the cursor durably (temporary file, fsync, rename, directory fsync). */
export async function writeCursor(dir: string, after: number): Promise<void> {
  await writeFileDurably(path.join(dir, CURSOR_FILE), `${JSON.stringify({ after })}\n`);
}

/**
 * One pass: pages of the inbox after the cursor until one comes back short. Stops with `failure`
 * when the hub is unavailable or refuses the connector (or the cursor file is damaged), the cursor
 * where the last whole page left it; anything else (a folder that cannot be written) throws.
 */
export async function receiveIncoming(
  options: IncomingOptions,
  hooks: IncomingHooks = {},
): Promise<IncomingPass> {
  const pass: IncomingPass = { documents: 0, statuses: 0, after: 0 };
  try {
    pass.after = await readCursor(options.dir);
    await receivePages(options, hooks, pass);
  } catch (error) {
    if (!(error instanceof HubError)) throw error;
    pass.failure = error;
  }
  return pass;
}

async function receivePages(
  options: IncomingOptions,
  hooks: IncomingHooks,
  pass: IncomingPass,
): Promise<void> {
  const { dir, client, logger } = options;
  for (;;) {
    const items = await client.inbox(pass.after, options.pageSize);
    if (items.length === 0) return;
    const files: string[] = [];
    for (const item of items) {
      const name = incomingName(item);
      await writeFileDurably(path.join(dir, name), await client.envelope(item.messageKey), {
        syncDir: false,
      });
      files.push(name);
      if (item.kind === 'document') pass.documents++;
      else pass.statuses++;
      logger.info(
        { file: name, documentId: item.documentId, messageKey: item.messageKey, from: item.fromOrgan },
        `${item.kind} received`,
      );
    }
    await syncDirectory(dir);
    const last = items.at(-1)!.position;
    await hooks.beforeCursor?.(last, files);
    await writeCursor(dir, last);
    pass.after = last;
    if (items.length < options.pageSize) return;
  }
}
