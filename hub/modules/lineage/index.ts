import { type HubModule, readSchemaFile } from '../../kernel/module.js';
import { type DatasetDefinition, loadDatasets } from '../records/index.js';
import { lineagePlugin } from './plugin.js';
import { lineageProjection } from './projection.js';
import { lineageResolvers } from './resolvers.js';

let datasets: ReadonlyMap<string, DatasetDefinition> | undefined;

/**
 * Lineage for inspectors: a citizen's field back to the source rows its released values came from,
 * a release to its consent, contract version and dossier, a dossier to how each component was
 * satisfied, a document to where it came from and its trail across hubs; depth-limited graphs with
 * `more` and `lineageExpand`, over a read model built for one index step per node.
 */
export const lineageModule: HubModule = {
  name: 'lineage',
  projections: [lineageProjection],
  plugin: lineagePlugin(() => {
    datasets ??= loadDatasets();
    return datasets;
  }),
  graphql: {
    typeDefs: readSchemaFile(new URL('./schema.graphql', import.meta.url)),
    resolvers: lineageResolvers,
  },
};

export {
  type LineageAttribute,
  type LineageEdge,
  type LineageGraph,
  type LineageNode,
  MAX_NEIGHBOURS,
  MAX_NODES,
} from './graph.js';
export type { TrailSource } from './hops.js';
export { type LineageNodeKind, type NodeRef, nodeId, parseNodeId, sourceKeyOf } from './ids.js';
export { LINEAGE_EVENT_TYPES, lineageProjection, openLineageTables } from './projection.js';
export {
  checkDepth,
  DEFAULT_DEPTH,
  LineageQueries,
  type LineageQueriesOptions,
  MAX_DEPTH,
} from './queries.js';
export type { LineageService } from './resolvers.js';
