import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ApiServices } from '../api/graphql/kit/context.js';
import type { HubModule, ModuleHost } from '../kernel/module.js';
import { hubModules } from '../modules/index.js';

/**
 * A module for tests that provides one service of the GraphQL context to the modules after it
 * (e.g. a procedure catalogue of the test's own for the dossier service).
 */
export function providingModule<K extends keyof ApiServices>(service: K, value: ApiServices[K]): HubModule {
  const name = `test-${service}`;
  return {
    name,
    projections: [],
    plugin: fp(
      async (_app: FastifyInstance, host: ModuleHost) => {
        host.services.provide(service, value);
      },
      { name, fastify: '5.x' },
    ),
  };
}

/** The hub's modules with `module` inserted before the one named `before`. */
export function modulesWith(module: HubModule, before: string): HubModule[] {
  const at = hubModules.findIndex((m) => m.name === before);
  if (at < 0) throw new Error(`no module ${before} in the hub's list`);
  return [...hubModules.slice(0, at), module, ...hubModules.slice(at)];
}
