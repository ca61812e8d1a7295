/**
 * Durable file operations of the folder connector: a file is either absent or whole (written to a
 * hidden temporary file, fsynced, renamed into place, the directory fsynced), and a move survives
 * a crash once it returns.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** Temporary files of `writeFileDurably`: hidden, never `*.xml`, so a document system never takes one. */
const TEMPORARY = /^\..+\.[0-9a-f]{12}\.tmp$/;

/** Makes the entries of `dir` durable (a rename into or out of it). */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes `bytes` to `file` so that a reader, or a restart after a crash, finds the old file or the
 * new one whole, never part of it. With `syncDir: false` the caller fsyncs the directory itself
 * (once after several files).
 */
export async function writeFileDurably(
  file: string,
  bytes: Uint8Array | string,
  { syncDir = true }: { syncDir?: boolean } = {},
): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(temp, 'wx');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  if (syncDir) await syncDirectory(dir);
}

/** Moves `from` to `to` (same file system) and makes both directories' entries durable. */
export async function moveDurably(from: string, to: string): Promise<void> {
  await fs.rename(from, to);
  await syncDirectory(path.dirname(to));
  if (path.dirname(from) !== path.dirname(to)) await syncDirectory(path.dirname(from));
}

/** Removes the temporary files a crash left in `dir` (only those `writeFileDurably` names). */
export async function removeTemporaryFiles(dir: string): Promise<number> {
  let removed = 0;
  for (const name of await fs.readdir(dir)) {
    if (!TEMPORARY.test(name)) continue;
    await fs.rm(path.join(dir, name), { force: true });
    removed++;
  }
  return removed;
}

/**
 * The name `name` takes in `dir`: itself when no file of that name is there, else `<stem>-1<ext>`,
 * `<stem>-2<ext>`… — a document system that reuses names never overwrites an earlier file. Only
 * the file itself counts: a sidecar left without its file by a crash is the same file's, and the
 * same name comes back for it.
 */
export async function freeName(dir: string, name: string): Promise<string> {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 0; ; n++) {
    const candidate = n === 0 ? name : `${stem}-${n}${ext}`;
    if (!(await exists(path.join(dir, candidate)))) return candidate;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Reads a file, or `undefined` when it is not there. */
export async function readIfPresent(file: string): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * A file-name part from any text: letters, digits, `.`, `_` and `-` kept, every other character
 * (`,`, `/`, spaces, letters with marks…) `_`, at most `max` characters, never starting with a dot.
 */
export function safeNamePart(text: string, max = 100): string {
  const safe = text.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, max);
  return safe.replace(/^\.+/, (dots) => '_'.repeat(dots.length)) || '_';
}
