import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ModuleHost, ModulePlugin } from '../../kernel/module.js';
import { LinkedDossiers } from './linked.js';
import { PrefillService } from './service.js';

/**
 * The `prefill` and `linkedDossiers` services of the GraphQL context, over the access module's
 * `release`, the documents module's `documents` and the dossiers module's `dossiers` (all listed
 * before this one) and the procedure catalogue's read model.
 */
export const prefillPlugin: ModulePlugin = fp(
  async (_app: FastifyInstance, host: ModuleHost) => {
    const dossiers = host.services.get('dossiers');
    const prefill = new PrefillService({
      release: host.services.get('release'),
      documents: host.services.get('documents'),
      dossiers,
      readModels: host.readModels,
      pseudonymize: host.pseudonymize,
    });
    host.services.provide('prefill', prefill);
    host.services.provide(
      'linkedDossiers',
      new LinkedDossiers(prefill, { dossiers, readModels: host.readModels, clock: host.clock }),
    );
  },
  { name: 'prefill', fastify: '5.x' },
);
