import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Logger } from 'pino';
import { withValidation } from '../events/validating-store.js';
import { createEventValidator, type EventValidator } from '../events/validator.js';
import {
  type EventStore,
  openEventStore,
  type StoreConfig,
  type StoreObserver,
} from '../eventstore/index.js';
import type { HubError } from '../kernel/errors/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    store: EventStore;
    /** The event schemas (schemas/) every append is validated against, compiled once per app. */
    eventSchemas: EventValidator;
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

/** The schema validator, reporting refused appends to the observer like the store's own failures. */
function countingFailures(validator: EventValidator, observer: StoreObserver): EventValidator {
  return {
    ...validator,
    validate(event) {
      try {
        validator.validate(event);
      } catch (error) {
        observer.failed?.((error as HubError).code ?? 'INTERNAL');
        throw error;
      }
    },
  };
}

/**
 * Opens the event store at boot and decorates `app.store`: every append is first validated against
 * the event's JSON Schema (schemas/), compiled once and shared as `app.eventSchemas`. On close, the store finishes the appends already accepted
 * before releasing its files or connections.
 */
export const storePlugin = fp<StoreOptions>(
  async (app: FastifyInstance, options) => {
    const { config, open = openEventStore } = options;
    const logger = app.log.child({ module: 'eventstore' }) as Logger;
    if (config.backend === 'sqlite') fs.mkdirSync(path.dirname(config.file), { recursive: true });

    const observer = app.metrics.storeObserver;
    const eventSchemas = createEventValidator();
    const store = withValidation(
      await open(config, { logger, observer }),
      countingFailures(eventSchemas, observer),
    );
    app.decorate('store', store);
    app.decorate('eventSchemas', eventSchemas);

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
