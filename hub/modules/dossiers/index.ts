import { type HubModule, readSchemaFile } from '../../kernel/module.js';
import { dossiersProjection } from './projection.js';
import { dossierResolvers } from './resolvers.js';

/** Dossiers of administrative procedures: their lifecycle, deadlines, portal statuses and once-only counts. */
export const dossiersModule: HubModule = {
  name: 'dossiers',
  projections: [dossiersProjection],
  graphql: {
    typeDefs: readSchemaFile(new URL('./schema.graphql', import.meta.url)),
    resolvers: dossierResolvers,
  },
};

export * from './commands.js';
export * from './deadlines.js';
export { allowedFrom, DOSSIER_NAMESPACE, dossierDecider } from './decider.js';
export * from './events.js';
export type * from './ports.js';
export { DossierReadModel, dossiersProjection } from './projection.js';
export * from './queries.js';
export * from './service.js';
export * from './state.js';
