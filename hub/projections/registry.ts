import { ModuleConflictError, UnknownProjectionError } from '../kernel/errors/index.js';
import type { HubModule } from '../kernel/module.js';
import type { ProjectionDefinition } from '../kernel/projection.js';
import { streamCatalog } from './stream-catalog.js';

/**
 * Every projection the hub runs: the stream catalog, then each module's read models in the order of
 * the module list it is given (the hub passes `hubModules`, `hub/modules/index.ts`; the registry
 * does not import the modules, so they may use the projection infrastructure). Throws
 * `ModuleConflictError` when two modules name a read model alike.
 */
export function allProjections(modules: readonly HubModule[]): ProjectionDefinition[] {
  const owners = new Map<string, string>([[streamCatalog.name, 'projections']]);
  const out = [streamCatalog];
  for (const module of modules) {
    for (const projection of module.projections) {
      const owner = owners.get(projection.name);
      if (owner !== undefined)
        throw new ModuleConflictError('projection', projection.name, [owner, module.name]);
      owners.set(projection.name, module.name);
      out.push(projection);
    }
  }
  return out;
}

export function findProjection(
  projections: readonly ProjectionDefinition[],
  name: string,
): ProjectionDefinition {
  const found = projections.find((p) => p.name === name);
  if (!found)
    throw new UnknownProjectionError(
      name,
      projections.map((p) => p.name),
    );
  return found;
}
