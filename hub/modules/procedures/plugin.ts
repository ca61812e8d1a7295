import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { localDateOf } from '../../kernel/local-date.js';
import type { ModuleHost, ModulePlugin } from '../../kernel/module.js';
import { catalogueLookup } from './queries.js';

declare module '../../api/graphql/kit/context.js' {
  interface ApiServices {
    /**
     * The catalogue as the dossiers' procedure port reads it (`catalogueLookup`), withdrawals
     * judged on the API clock's day in Vietnam. The dossiers module reads it when it is provided.
     */
    procedureLookup: ReturnType<typeof catalogueLookup>;
  }
}

/** The `procedureLookup` service of the GraphQL context, for the modules listed after this one. */
export const proceduresPlugin: ModulePlugin = fp(
  async (_app: FastifyInstance, host: ModuleHost) => {
    host.services.provide(
      'procedureLookup',
      catalogueLookup(host.readModels, () => localDateOf(host.clock())),
    );
  },
  { name: 'procedures', fastify: '5.x' },
);
