import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** SHA-256 of bytes, lowercase hex: the hash every document field and blob address uses. */
export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

const HASH = /^[0-9a-f]{64}$/;
export const isSha256Hex = (value: string): boolean => HASH.test(value);

/**
 * Where document bytes live, addressed by the SHA-256 of the bytes stored. Events name blobs by
 * that hash and never hold the bytes. A backend only stores and returns bytes: callers verify the
 * hash of what they read (a backend may have been altered underneath).
 */
export interface BlobStore {
  /**
   * Stores the bytes under their hash (durably, before resolving) and returns the hash. Idempotent.
   * `hash`: the bytes' SHA-256 when the caller has just computed it (every read is verified anyway).
   */
  put(bytes: Uint8Array, hash?: string): Promise<string>;
  /** The bytes stored under `hash`, unverified, or undefined when there are none. */
  get(hash: string): Promise<Buffer | undefined>;
  /** Every address stored, in no particular order. */
  list(): AsyncIterable<string>;
}

/**
 * Blobs as files in a directory, sharded by the first two pairs of hex digits
 * (`<root>/ab/cd/abcd…`, at most 65,536 directories of a few files each). A write goes to a
 * temporary file in `<root>/.tmp/`, is fsynced, renamed into place and the directory fsynced, so a
 * crash leaves either no blob or the whole blob. Files are created mode 0600.
 */
export class DirectoryBlobStore implements BlobStore {
  private readonly tmp: string;

  constructor(readonly root: string) {
    this.tmp = path.join(root, '.tmp');
  }

  pathOf(hash: string): string {
    if (!isSha256Hex(hash)) throw new RangeError('a blob address is 64 lowercase hex digits');
    return path.join(this.root, hash.slice(0, 2), hash.slice(2, 4), hash);
  }

  async put(bytes: Uint8Array, hash = sha256Hex(bytes)): Promise<string> {
    const target = this.pathOf(hash);
    // an intact copy is already there; a damaged one is replaced by the new write
    const existing = await this.get(hash);
    if (existing?.equals(bytes)) return hash;
    await fs.mkdir(this.tmp, { recursive: true, mode: 0o700 });
    await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    const temp = path.join(this.tmp, `${hash}.${randomBytes(6).toString('hex')}`);
    const file = await fs.open(temp, 'wx', 0o600);
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    try {
      await fs.rename(temp, target);
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw error;
    }
    await syncDirectory(path.dirname(target));
    return hash;
  }

  async get(hash: string): Promise<Buffer | undefined> {
    try {
      return await fs.readFile(this.pathOf(hash));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async *list(): AsyncIterable<string> {
    for (const first of await entries(this.root)) {
      if (!/^[0-9a-f]{2}$/.test(first)) continue;
      for (const second of await entries(path.join(this.root, first))) {
        for (const name of await entries(path.join(this.root, first, second))) {
          if (isSha256Hex(name) && name.startsWith(first + second)) yield name;
        }
      }
    }
  }
}

async function entries(dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Makes a rename into `dir` durable (the directory entry itself is fsynced). */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
