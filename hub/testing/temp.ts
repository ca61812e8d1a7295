import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';

/** A fresh temporary directory; remove it with the returned function. */
export function tempDir(prefix = 'lt-'): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A logger that writes nowhere, for tests that do not look at logs. */
export const silentLogger = () => pino({ level: 'silent' });
