import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { type Config, loadConfig } from './kernel/config.js';
import { ConfigError, StoreFileError } from './kernel/errors/index.js';

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

function printWhereToGo(app: FastifyInstance, config: Config, metricsUrl: string | undefined): void {
  const listening = config.http.host;
  const reachable = listening === '0.0.0.0' || listening === '::' ? '127.0.0.1' : listening;
  const host = reachable.includes(':') ? `[${reachable}]` : reachable;
  const base = `http://${host}:${config.http.port}`;
  const links = {
    hub: base,
    live: `${base}/health/live`,
    ready: `${base}/health/ready`,
    metrics: metricsUrl ?? `${base}/metrics`,
    graphql: `${base}/graphql`,
    graphiql: `${base}/graphiql`,
    console: `${base}/console/`,
  };
  app.log.info({ ...links, store: config.store.backend }, 'hub listening');
  if (config.log.pretty) {
    process.stdout.write(
      [
        '',
        `  Lienthong hub is running (${config.store.backend} store in ${config.dataDir})`,
        `    Hub        ${links.hub}`,
        `    GraphQL    ${links.graphql}  (GraphiQL: ${links.graphiql}; tokens: npm run token -- --help)`,
        `    Console    ${links.console}  (inspectors)`,
        `    Readiness  ${links.ready}`,
        `    Metrics    ${links.metrics}${config.metrics.token ? '  (bearer token: LIENTHONG_METRICS_TOKEN)' : ''}`,
        '  Press Ctrl+C to stop.',
        '',
        '',
      ].join('\n'),
    );
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

  let seed: (() => Promise<void>) | undefined;
  let metricsUrl: string | undefined;
  try {
    if (config.seedDemo && config.profile !== 'production') {
      // GraphiQL's demo-token helper: demo code, loaded only when demo data is.
      const { demoTokensPlugin } = await import('../demo/graphiql-tokens.js');
      app.register(demoTokensPlugin, { config });
    }
    await app.ready();
    if (config.seedDemo) {
      // Loaded only when seeding: a production hub never loads demo code or connector drivers.
      const { demoSeeder } = await import('../demo/seed/hub.js');
      seed = demoSeeder(app, config.dataDir, () => closing, { exchangeCaDir: config.exchange.caDir });
    }
    await app.listen({ host: config.http.host, port: config.http.port });
    metricsUrl = await app.metrics.listen();
  } catch (error) {
    if (closing) return;
    failBoot(error, config);
  }
  printWhereToGo(app, config, metricsUrl);
  await seed?.();
}

await main();
