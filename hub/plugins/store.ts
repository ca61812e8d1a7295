import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Logger } from 'pino';
import {
  type EventStore,
  openEventStore,
  type StoreConfig,
  type StoreObserver,
} from '../eventstore/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    store: EventStore;
  }
}

export type OpenStore = (
  config: StoreConfig,
  options: { logger: Logger; observer?: StoreObserver },
) => Promise<EventStore>;

export interface StoreOptions {
  config: StoreConfig;
  /** Defaults to `openEventStore`, which picks the backend named in the config. */
  open?: OpenStore;
}

/**
 * Opens the event store at boot and decorates `app.store`. On close, the store finishes the
 * appends already accepted before releasing its files or connections.
 */
export const storePlugin = fp<StoreOptions>(
  async (app: FastifyInstance, options) => {
    const { config, open = openEventStore } = options;
    const logger = app.log.child({ module: 'eventstore' }) as Logger;
    if (config.backend === 'sqlite') fs.mkdirSync(path.dirname(config.file), { recursive: true });

    const store = await open(config, { logger, observer: app.metrics.storeObserver });
    // Wire schema validation once hub/events lands: store = withValidation(store, createEventValidator());
    app.decorate('store', store);

    app.readiness.add('store', async () => {
      const info = await store.info();
      return { ok: true, info: { backend: info.backend, lastPosition: info.lastPosition } };
    });

    app.addHook('onClose', async () => {
      await store.close();
      logger.info('event store closed');
    });
  },
  { name: 'store', fastify: '5.x', dependencies: ['metrics', 'health'] },
);
