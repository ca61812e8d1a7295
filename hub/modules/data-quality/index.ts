import { type HubModule, readSchemaFile } from '../../kernel/module.js';
import { registerDataQualityCommands } from './cli.js';
import { dataQualityPlugin } from './plugin.js';
import { dataQualityProjection } from './projection.js';
import { dataQualityResolvers } from './resolvers.js';

/**
 * Data quality of the shared datasets, per dataset and source (connector): correct, complete,
 * clean and live figures kept by a projection from record, dead-letter, run and conflict events
 * (no plaintext), thresholds per dataset (`x-dataset.quality`), and findings raised and closed by
 * an evaluator as events, for inspectors to open.
 */
export const dataQualityModule: HubModule = {
  name: 'data-quality',
  projections: [dataQualityProjection()],
  plugin: dataQualityPlugin,
  graphql: {
    typeDefs: readSchemaFile(new URL('./schema.graphql', import.meta.url)),
    resolvers: dataQualityResolvers,
  },
  cli: (program, { projections }) => registerDataQualityCommands(program, projections),
};

export { cursorInstant } from './cursor-time.js';
export * from './events.js';
export type { DatasetQuality, QualityFigures } from './figures.js';
export type { FindingPage, FindingView } from './findings.js';
export { dataQualityProjection } from './projection.js';
export { DataQualityQueries } from './queries.js';
export { type EvaluationResult, evaluateDataQuality } from './service.js';
export { DATA_QUALITY_MODEL } from './tables.js';
