import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { StoreObserver } from '../eventstore/index.js';

export interface HubMetrics {
  /** This app's registry: several apps in one process (tests) never share metrics. */
  readonly registry: Registry;
  /** Passed to the event store so commits and failures show up in /metrics. */
  readonly storeObserver: StoreObserver;
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

/** Prometheus metrics at GET /metrics: process defaults, HTTP durations and event store activity. */
export const metricsPlugin = fp(
  async (app: FastifyInstance) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const httpSeconds = new Histogram({
      name: 'lienthong_http_request_duration_seconds',
      help: 'HTTP request duration by route, method and status.',
      labelNames: ['route', 'method', 'status_code'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });

    app.decorate('metrics', { registry, storeObserver: storeObserver(registry) });

    app.addHook('onResponse', async (request, reply) => {
      httpSeconds.observe(
        {
          // The route pattern, never the raw URL: bounded label values and no identifiers.
          route: request.routeOptions.url ?? 'unmatched',
          method: request.method,
          status_code: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
    });

    app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    });
  },
  { name: 'metrics', fastify: '5.x' },
);
