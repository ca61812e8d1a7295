import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Config, loadConfig } from '../config.js';
import type { EventData } from '../eventstore/index.js';

/** Helpers for the service's own tests: real temp directories, real config, real events. */

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'lt-'));
}

export function testConfig(dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', LIENTHONG_DATA_DIR: dataDir, ...env });
}

export function testEvent(n: number): EventData {
  return {
    id: randomUUID(),
    type: 'OperatorNoteRecorded',
    data: { note: `note ${n}` },
    metadata: {
      occurredAt: new Date().toISOString(),
      actor: { kind: 'operator', id: 'ops-1' },
      correlationId: randomUUID(),
      causationId: null,
      schemaVersion: 1,
    },
  };
}

/** Collects JSON log lines written by pino. */
export function logCapture(): { write(line: string): void; lines(): Record<string, unknown>[] } {
  const raw: string[] = [];
  return {
    write: (line) => {
      raw.push(line);
    },
    lines: () =>
      raw
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line)),
  };
}
