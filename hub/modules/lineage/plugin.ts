import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { randomId } from '../../kernel/ids.js';
import type { ModuleHost, ModulePlugin } from '../../kernel/module.js';
import { trailAcrossHubs } from '../exchange/index.js';
import type { DatasetDefinition } from '../records/index.js';
import type { TrailSource } from './hops.js';
import { LineageQueries } from './queries.js';

/**
 * The `lineage` service of the GraphQL context: the walks over the read-model connection, the
 * exchange's trail across hubs for exchanged documents (when the exchange module runs), and the
 * `inspections` service of the access-log module that records every query (when it runs).
 */
export const lineagePlugin = (datasets: () => ReadonlyMap<string, DatasetDefinition>): ModulePlugin =>
  fp(
    async (_app: FastifyInstance, host: ModuleHost) => {
      let trail: TrailSource | undefined;
      if (host.services.has('exchangeQueries')) {
        const exchange = host.services.get('exchangeQueries');
        trail = (documentId) => trailAcrossHubs({ ...exchange, ids: randomId }, documentId);
      }
      host.services.provide('lineage', {
        queries: new LineageQueries(host.readModels, { datasets: datasets(), trail }),
        inspections: host.services.has('inspections') ? host.services.get('inspections') : undefined,
      });
    },
    { name: 'lineage', fastify: '5.x' },
  );
