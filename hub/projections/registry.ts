import { UnknownProjectionError } from '../kernel/errors/index.js';
import type { ProjectionDefinition } from '../kernel/projection.js';
import { adminUnitsProjection } from '../modules/admin-units/projection.js';
import { agenciesProjection } from '../modules/agencies/projection.js';
import { consentsProjection } from '../modules/consent/projection.js';
import { contractsProjection } from '../modules/contracts/projection.js';
import { recordsProjection } from '../modules/records/projection.js';
import { streamCatalog } from './stream-catalog.js';

/** Every projection the hub runs. Add yours here. */
export function allProjections(): ProjectionDefinition[] {
  return [
    streamCatalog,
    adminUnitsProjection,
    recordsProjection,
    agenciesProjection,
    contractsProjection,
    consentsProjection,
  ];
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
