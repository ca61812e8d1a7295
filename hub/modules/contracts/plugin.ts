import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ModuleHost, ModulePlugin } from '../../kernel/module.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import { ReadModelChanges } from '../../projections/changes.js';
import { vietnamDate } from '../agencies/index.js';
import { findContracts } from './queries.js';
import type { FindContracts } from './types.js';

/** Contracts in force from the `contracts` read model, cached until it changes. */
export function contractsInForce(db: ReadModelDb): FindContracts {
  const cached = ReadModelChanges.of(db).memo(
    'contracts',
    (q: { consumer: string; dataset: string; on: string }) => `${q.consumer}\u0000${q.dataset}\u0000${q.on}`,
    (q) => findContracts(db, q),
  );
  return (q) => cached({ consumer: q.consumer, dataset: q.dataset, on: vietnamDate(q.on) });
}

/** The `findContracts` service of the GraphQL context: contracts in force, cached until they change. */
export const contractsPlugin: ModulePlugin = fp(
  async (_app: FastifyInstance, host: ModuleHost) => {
    host.services.provide('findContracts', contractsInForce(host.readModels));
  },
  { name: 'contracts', fastify: '5.x' },
);
