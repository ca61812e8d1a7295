import { adminUnitsProjection } from '../domain/admin-units/projection.js';
import { agenciesProjection } from '../domain/agencies/projection.js';
import { contractsProjection } from '../domain/contracts/projection.js';
import { recordsProjection } from '../domain/records/projection.js';
import { UnknownProjectionError } from '../errors.js';
import type { ProjectionDefinition } from './projection.js';
import { streamCatalog } from './stream-catalog.js';

/** Every projection the hub runs. Add yours here. */
export function allProjections(): ProjectionDefinition[] {
  return [streamCatalog, adminUnitsProjection, recordsProjection, agenciesProjection, contractsProjection];
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
