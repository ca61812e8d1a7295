import { UnknownProjectionError } from '../errors.js';
import type { ProjectionDefinition } from './projection.js';
import { streamCatalog } from './stream-catalog.js';

/** Every projection the hub runs. Add yours here (one file per read model beside this one). */
export function allProjections(): ProjectionDefinition[] {
  return [streamCatalog];
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
