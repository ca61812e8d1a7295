import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { type AppOverrides, buildApp } from '../app.js';
import type { EventData } from '../eventstore/index.js';
import { type Config, loadConfig } from '../kernel/config.js';
import { buildMetadata } from '../kernel/metadata.js';
import { tempDir } from './temp.js';

/** Helpers for the service's own tests: real temp directories, real config, real events. */

/** Builds apps on fresh data directories; `cleanup()` closes them and removes the directories. */
export function appHarness() {
  const apps: FastifyInstance[] = [];
  const dirs: { remove(): void }[] = [];
  return {
    dataDir(): string {
      const dir = tempDir();
      dirs.push(dir);
      return dir.dir;
    },
    build(env: Record<string, string> = {}, overrides: AppOverrides = {}): FastifyInstance {
      const app = buildApp(testConfig(this.dataDir(), env), overrides);
      apps.push(app);
      return app;
    },
    async cleanup(): Promise<void> {
      await Promise.all(apps.splice(0).map((app) => app.close()));
      for (const dir of dirs.splice(0)) dir.remove();
    },
  };
}

export function testConfig(dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', LIENTHONG_DATA_DIR: dataDir, ...env });
}

/** A schema-valid event (the seed's marker type, the simplest the hub knows). */
export function testEvent(n: number): EventData {
  return {
    id: randomUUID(),
    type: 'DemoDatasetSeeded',
    data: {
      dataset: `test-${n}`,
      digest: createHash('sha256').update(String(n)).digest('hex'),
      streams: 0,
      events: 0,
    },
    metadata: buildMetadata({
      occurredAt: new Date(),
      actor: { kind: 'system', id: 'test' },
      correlationId: randomUUID(),
    }),
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
