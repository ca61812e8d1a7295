import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A private key and the certificate of its public half, both PEM. */
export interface KeyPairFiles {
  key: string;
  certificate: string;
}

/** The file's text, or undefined when it does not exist. */
export async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** The texts of both files, each undefined when missing. */
export async function readPair(files: KeyPairFiles): Promise<{ key?: string; certificate?: string }> {
  const [key, certificate] = await Promise.all([readIfPresent(files.key), readIfPresent(files.certificate)]);
  return { ...(key === undefined ? {} : { key }), ...(certificate === undefined ? {} : { certificate }) };
}

/**
 * Both files once both exist: waits up to `timeoutMs` for another process that has written the key
 * (see `createPairOnce`) to put the certificate in place. Undefined when it never comes.
 */
export async function awaitPair(
  files: KeyPairFiles,
  timeoutMs = 5000,
): Promise<{ key: string; certificate: string } | undefined> {
  for (let waited = 0; ; waited += 50) {
    const { key, certificate } = await readPair(files);
    if (key !== undefined && certificate !== undefined) return { key, certificate };
    if (waited >= timeoutMs) return undefined;
    await sleep(50);
  }
}

const temporary = (file: string) => `${file}.${randomBytes(6).toString('hex')}.tmp`;

async function writeTemporary(file: string, text: string, mode: number): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = temporary(file);
  await fs.writeFile(tmp, text, { mode, flag: 'wx' });
  return tmp;
}

/**
 * Writes a key (mode 0600) and its certificate unless the key file already exists: the key is
 * linked into place first (failing if another process got there), then the certificate is renamed
 * into place, so a reader that finds the certificate finds its key too. Returns false when the key
 * file existed, leaving both files as they were.
 */
export async function createPairOnce(files: KeyPairFiles, keyPem: string, certificatePem: string) {
  const key = await writeTemporary(files.key, keyPem, 0o600);
  try {
    await fs.link(key, files.key);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return false;
  } finally {
    await fs.rm(key, { force: true });
  }
  await fs.rename(await writeTemporary(files.certificate, certificatePem, 0o644), files.certificate);
  return true;
}

/** Replaces a key (mode 0600) and its certificate, each file by an atomic rename. */
export async function replacePair(files: KeyPairFiles, keyPem: string, certificatePem: string) {
  await fs.rename(await writeTemporary(files.key, keyPem, 0o600), files.key);
  await fs.rename(await writeTemporary(files.certificate, certificatePem, 0o644), files.certificate);
}
