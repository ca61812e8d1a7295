import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ModuleHost, ModulePlugin } from '../../kernel/module.js';
import { defaultMethods, ServiceIndexModel } from './projection.js';
import { ServiceIndexQueries } from './queries.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Moves the service index's horizon to the clock now: what the ticker does on its own. */
    serviceIndex: { tick(): void };
  }
}

declare module '../../kernel/module.js' {
  interface ModuleSettings {
    /** How often the service index re-judges open dossiers against the clock. Default 30 s; 0 turns the ticker off. */
    serviceIndexTickMs?: number;
  }
}

/**
 * The `serviceIndex` GraphQL service (queries over the read model with the methods shipped in
 * `methods/`), and the ticker: every `serviceIndexTickMs` it moves the index's horizon to the
 * clock, so dossiers whose deadline passed count as overdue, and unfinished ones are carried into a
 * new month, without waiting for an event (`app.serviceIndex.tick()` does it at once).
 */
export const serviceIndexPlugin: ModulePlugin = fp(
  async (app: FastifyInstance, host: ModuleHost) => {
    const methods = defaultMethods();
    host.services.provide('serviceIndex', new ServiceIndexQueries(host.readModels, methods, host.clock));
    const model = new ServiceIndexModel(host.readModels, methods);
    const ticker = { tick: () => model.advance(host.clock().getTime()) };
    app.decorate('serviceIndex', ticker);
    const every = host.settings.serviceIndexTickMs ?? 30_000;
    if (every > 0) {
      const timer = setInterval(() => {
        try {
          ticker.tick();
        } catch (error) {
          host.log.error({ err: { message: (error as Error).message } }, 'service index tick failed');
        }
      }, every);
      timer.unref();
      app.addHook('onClose', async () => clearInterval(timer));
    }
  },
  { name: 'service-index', fastify: '5.x' },
);
