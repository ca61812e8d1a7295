import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import fp from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { StoreObserver } from '../eventstore/index.js';
import type { MetricsConfig } from '../kernel/config.js';
import { AuthUnauthenticatedError, ConfigError } from '../kernel/errors/index.js';
import { errorsPlugin } from './errors.js';
import { RequestDurations } from './request-durations.js';

export interface HubMetrics {
  /** This app's registry: several apps in one process (tests) never share metrics. */
  readonly registry: Registry;
  /** Passed to the event store so commits and failures show up in /metrics. */
  readonly storeObserver: StoreObserver;
  /**
   * Starts the listener of its own when metrics have one (`LIENTHONG_METRICS_PORT`) and resolves
   * to the URL of /metrics there; resolves to undefined when /metrics is served on the API port.
   * The listener closes with the app.
   */
  listen(): Promise<string | undefined>;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: HubMetrics;
  }
}

function storeObserver(registry: Registry): StoreObserver {
  const registers = [registry];
  const commits = new Counter({
    name: 'lienthong_eventstore_commits_total',
    help: 'Durable commits of the event store (one commit can serve several appends).',
    registers,
  });
  const appends = new Counter({
    name: 'lienthong_eventstore_appends_total',
    help: 'Append calls served by a commit, including those refused inside it (see failures).',
    registers,
  });
  const events = new Counter({
    name: 'lienthong_eventstore_events_appended_total',
    help: 'Events written to the event store.',
    registers,
  });
  const commitSeconds = new Histogram({
    name: 'lienthong_eventstore_commit_duration_seconds',
    help: 'Time to make one commit durable.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  const failures = new Counter({
    name: 'lienthong_eventstore_append_failures_total',
    help: 'Append calls that failed, by error code.',
    labelNames: ['code'] as const,
    registers,
  });
  return {
    committed(stats) {
      commits.inc();
      appends.inc(stats.appends);
      events.inc(stats.events);
      commitSeconds.observe(stats.seconds);
    },
    failed(code) {
      failures.inc({ code });
    },
  };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** Refuses a request without `Authorization: Bearer <token>`; compares digests in constant time. */
function tokenGuard(token: string | undefined) {
  if (!token) return undefined;
  const expected = sha256(token);
  const refuse = (reply: FastifyReply, error: AuthUnauthenticatedError) => {
    reply.headers(error.headers);
    throw error;
  };
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const presented = /^Bearer +([^ ]+) *$/i.exec(request.headers.authorization ?? '')?.[1];
    if (presented === undefined)
      refuse(reply, new AuthUnauthenticatedError('metrics require the operator token'));
    else if (!timingSafeEqual(sha256(presented), expected)) {
      refuse(reply, new AuthUnauthenticatedError('metrics token does not match', 'invalid_token'));
    }
  };
}

function serveMetrics(server: FastifyInstance, registry: Registry, token: string | undefined): void {
  server.get('/metrics', { logLevel: 'warn', onRequest: tokenGuard(token) }, async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
}

/** The listener of its own: /metrics and nothing else, with the app's error answers. */
async function metricsListener(
  log: FastifyBaseLogger,
  registry: Registry,
  config: MetricsConfig,
  listen: NonNullable<MetricsConfig['listen']>,
): Promise<{ server: FastifyInstance; url: string }> {
  const server = Fastify({ loggerInstance: log, forceCloseConnections: true });
  await server.register(errorsPlugin);
  serveMetrics(server, registry, config.token);
  try {
    await server.listen({ host: listen.host, port: listen.port });
  } catch (error) {
    await server.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new ConfigError('LIENTHONG_METRICS_PORT', `${listen.port} is already in use on ${listen.host}`);
    }
    throw error;
  }
  const shown = ['0.0.0.0', '::'].includes(listen.host) ? '127.0.0.1' : listen.host;
  const host = shown.includes(':') ? `[${shown}]` : shown;
  return { server, url: `http://${host}:${listen.port}/metrics` };
}

/**
 * Prometheus metrics at GET /metrics: process defaults, HTTP durations and event store activity.
 * Served on the API port, or (`config.listen`) on a listener of its own started by
 * `app.metrics.listen()`; with `config.token`, only to requests that carry it.
 */
export const metricsPlugin = fp<{ config?: MetricsConfig }>(
  async (app: FastifyInstance, { config = {} }) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const httpSeconds = new RequestDurations(
      'lienthong_http_request_duration_seconds',
      'HTTP request duration by route, method and status.',
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registry,
    );

    let listener: FastifyInstance | undefined;
    let closed = false;
    const listen = async () => {
      if (!config.listen || closed) return undefined;
      if (listener) throw new Error('the metrics listener is already started');
      const started = await metricsListener(
        app.log.child({ module: 'metrics' }),
        registry,
        config,
        config.listen,
      );
      // A shutdown that began while the listener was starting closes it at once.
      if (closed) {
        await started.server.close();
        return undefined;
      }
      listener = started.server;
      return started.url;
    };
    app.addHook('onClose', async () => {
      closed = true;
      await listener?.close();
    });

    app.decorate('metrics', { registry, storeObserver: storeObserver(registry), listen });

    // A callback hook: an async one would cost every request a promise.
    app.addHook('onResponse', (request, reply, done) => {
      httpSeconds.observe(
        // The route pattern, never the raw URL: bounded label values and no identifiers.
        request.routeOptions.url ?? 'unmatched',
        request.method,
        reply.statusCode,
        reply.elapsedTime / 1000,
      );
      done();
    });

    if (!config.listen) serveMetrics(app, registry, config.token);
  },
  { name: 'metrics', fastify: '5.x' },
);
