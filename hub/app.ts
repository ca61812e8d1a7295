import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { type DestinationStream, pino } from 'pino';
import { consentedApiPlugin } from './api/graphql/hub-plugin.js';
import { errorsPlugin } from './http/errors.js';
import { healthPlugin } from './http/health.js';
import { metricsPlugin } from './http/metrics.js';
import { privacyPlugin } from './http/privacy.js';
import { type CreateRunner, projectionsPlugin } from './http/projections.js';
import { type OpenStore, storePlugin } from './http/store.js';
import type { Config } from './kernel/config.js';
import { loggerOptions, requestIdOptions } from './kernel/logger.js';
import type { HubModule, ModuleSettings } from './kernel/module.js';
import type { ProjectionDefinition } from './kernel/projection.js';
import { hubModules } from './modules/index.js';
import { allProjections } from './projections/registry.js';
import { ProjectionRunner } from './projections/runner.js';

export interface AppOverrides {
  /** Opens the event store instead of `openEventStore` (e.g. to simulate an unavailable store). */
  openStore?: OpenStore;
  /**
   * The modules the hub runs, in order (default: `hubModules`): their plugins, GraphQL parts and,
   * unless `projections` is given, their read models.
   */
  modules?: readonly HubModule[];
  /** The read models to keep (default: every read model of the modules, `allProjections(modules)`). */
  projections?: readonly ProjectionDefinition[];
  /** Builds the projection runner instead of `ProjectionRunner` (e.g. to hold it in a given state). */
  createRunner?: CreateRunner;
  /** Writes JSON log lines here instead of stdout (pretty printing is then off). */
  logStream?: DestinationStream;
  /** Time a readiness check may take before it counts as failed. */
  readinessTimeoutMs?: number;
  /** The API's clock: consent windows, receipts, release dates (tokens keep real time). */
  clock?: () => Date;
  /** How often lapsed consents get their ConsentExpired event. Default 60 s; 0 turns the sweeper off. */
  consentSweepMs?: number;
  /** Settings passed through to the modules' plugins (e.g. `auditCheckpointMs`). */
  settings?: ModuleSettings;
}

function hubLogger(config: Config, stream: DestinationStream | undefined) {
  const options = loggerOptions(stream ? { log: { ...config.log, pretty: false } } : config);
  // A silent logger writes nothing, so it needs no redaction, which would cost on every request's
  // child logger (its wildcard paths run over each binding).
  if (config.log.level === 'silent') delete options.redact;
  return stream ? pino(options, stream) : pino(options);
}

/**
 * The hub as a fastify instance, plugins in dependency order. It never listens: `server.ts` does,
 * and tests use `app.inject()`. The store opens when the app becomes ready.
 */
export function buildApp(config: Config, overrides: AppOverrides = {}): FastifyInstance {
  const logger = hubLogger(config, overrides.logStream);
  const app = Fastify({
    ...requestIdOptions,
    loggerInstance: logger as FastifyBaseLogger,
    // Let in-flight requests finish on close; idle keep-alive sockets are closed at once.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });

  app.get('/', { logLevel: 'warn' }, async () => ({
    service: 'lienthong-hub',
    endpoints: {
      graphql: '/graphql',
      ...(config.profile === 'production' ? {} : { graphiql: '/graphiql' }),
      ...((overrides.modules ?? hubModules).some((m) => m.name === 'console')
        ? { console: '/console/' }
        : {}),
      jwks: '/.well-known/jwks.json',
      agencyJwks: '/agencies/{organCode}/jwks.json',
      live: '/health/live',
      ready: '/health/ready',
      ...(config.metrics.listen ? {} : { metrics: '/metrics' }),
    },
  }));

  app.register(errorsPlugin);
  app.register(metricsPlugin, { config: config.metrics });
  app.register(healthPlugin, { checkTimeoutMs: overrides.readinessTimeoutMs });
  app.register(storePlugin, { config: config.store, open: overrides.openStore });
  app.register(privacyPlugin, { config });
  const projections = overrides.projections ?? allProjections(overrides.modules ?? hubModules);
  app.register(projectionsPlugin, {
    file: config.readModelsFile,
    createRunner: overrides.createRunner ?? ((deps) => new ProjectionRunner({ ...deps, projections })),
  });
  app.register(consentedApiPlugin, {
    config,
    clock: overrides.clock,
    consentSweepMs: overrides.consentSweepMs,
    settings: overrides.settings,
    modules: overrides.modules,
  });
  return app;
}
