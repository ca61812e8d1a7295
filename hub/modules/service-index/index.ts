import { type HubModule, readSchemaFile } from '../../kernel/module.js';
import { registerServiceIndexCommands } from './cli.js';
import { serviceIndexPlugin } from './plugin.js';
import { defaultMethods, serviceIndexProjection } from './projection.js';
import { serviceIndexResolvers } from './resolvers.js';

/**
 * The index of service to citizens and businesses (Decision 766/QĐ-TTg), computed live from
 * dossier events with the method as versioned data, per agency, level, province and period, every
 * figure drillable to its dossiers; imported period reports reconciled against it.
 */
export const serviceIndexModule: HubModule = {
  name: 'service-index',
  projections: [serviceIndexProjection(defaultMethods())],
  plugin: serviceIndexPlugin,
  graphql: {
    typeDefs: readSchemaFile(new URL('./schema.graphql', import.meta.url)),
    resolvers: serviceIndexResolvers,
  },
  cli: (program, { projections }) => registerServiceIndexCommands(program, projections),
};

export { CORE, CORE_FIGURES, type CoreFigure, contributions } from './contributions.js';
export * from './events.js';
export { FACTS } from './facts.js';
export { type IndexFigures, indexFigures } from './figures.js';
export { loadMethods, METHODS_DIR, type Method, type MethodSet } from './method.js';
export { type Period, parsePeriod } from './periods.js';
export {
  defaultMethods,
  SERVICE_INDEX_MODEL,
  ServiceIndexModel,
  serviceIndexProjection,
} from './projection.js';
export { ServiceIndexQueries } from './queries.js';
export type { Finding, Reconciliation } from './reconciliation.js';
export { importReport, parseReport } from './report.js';
export type { Scope } from './scope.js';
