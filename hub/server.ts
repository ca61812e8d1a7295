import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { type Config, loadConfig } from './config.js';
import { ConfigError, StoreClosedError, StoreFileError } from './errors.js';

const SHUTDOWN_TIMEOUT_MS = 15_000;

/** Boot failures an operator can fix get one clear line on stderr and exit code 1. */
function failBoot(error: unknown, config?: Config): never {
  if (error instanceof ConfigError || error instanceof StoreFileError) {
    console.error(`lienthong: cannot start: ${error.message}`);
  } else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE' && config) {
    console.error(
      `lienthong: cannot start: PORT: ${config.http.port} is already in use on ${config.http.host}`,
    );
  } else {
    console.error('lienthong: cannot start:', error);
  }
  process.exit(1);
}

function printWhereToGo(app: FastifyInstance, config: Config): void {
  const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
  const base = `http://${host}:${config.http.port}`;
  const links = {
    hub: base,
    live: `${base}/health/live`,
    ready: `${base}/health/ready`,
    metrics: `${base}/metrics`,
  };
  app.log.info({ ...links, store: config.store.backend }, 'hub listening');
  if (config.log.pretty) {
    process.stdout.write(
      [
        '',
        `  Lienthong hub is running (${config.store.backend} store in ${config.dataDir})`,
        `    Hub        ${links.hub}`,
        `    Readiness  ${links.ready}`,
        `    Metrics    ${links.metrics}`,
        '  Press Ctrl+C to stop.',
        '',
        '',
      ].join('\n'),
    );
  }
}

/** Seeds demo data once (idempotent appends), while the hub already answers; readiness waits for it. */
async function seedDemo(app: FastifyInstance, isClosing: () => boolean): Promise<void> {
  let state: { ok: boolean; reason?: string } = { ok: false, reason: 'seeding demo data' };
  app.readiness.add('seed', () => state);
  const log = app.log.child({ module: 'seed' });
  try {
    // Wire once hub/seed/demo.ts lands: await seedDemoData({ store: app.store, logger: log, onProgress });
    state = { ok: true };
    log.info('demo data ready');
  } catch (error) {
    if (isClosing() && error instanceof StoreClosedError) {
      log.info('seeding stopped by shutdown');
      return;
    }
    state = { ok: false, reason: 'seeding failed' };
    log.error({ err: error }, 'seeding demo data failed');
  }
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    failBoot(error);
  }
  const app = buildApp(config);
  let closing = false;

  closeWithGrace(
    {
      delay: SHUTDOWN_TIMEOUT_MS,
      logger: { error: (message: unknown) => app.log.error({ err: message }, 'shutdown') },
      onSecondSignal: (signal) => console.error(`lienthong: second ${signal}: exiting now`),
      onTimeout: (delay) => console.error(`lienthong: shutdown took over ${delay} ms: exiting now`),
    },
    async ({ signal, err }) => {
      closing = true;
      if (err) app.log.error({ err }, 'fatal error: shutting down');
      else app.log.info({ signal }, 'shutting down: finishing pending appends');
      await app.close();
      app.log.info('shutdown complete');
    },
  );

  try {
    await app.ready();
    if (config.seedDemo) app.readiness.add('seed', () => ({ ok: false, reason: 'seeding demo data' }));
    await app.listen({ host: config.http.host, port: config.http.port });
  } catch (error) {
    if (closing) return;
    failBoot(error, config);
  }
  printWhereToGo(app, config);
  if (config.seedDemo) await seedDemo(app, () => closing);
}

await main();
