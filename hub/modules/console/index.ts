import { type HubModule, readSchemaFile } from '../../kernel/module.js';
import { consolePlugin } from './plugin.js';
import { consoleResolvers } from './resolvers.js';

/**
 * The inspector console: a web page served by the hub at `/console/` (lineage graph, access log,
 * the Decision 766 index, data-quality findings), built from `web/` with Vite; and `whoAmI`, the
 * caller as the hub verified its token, which the console signs in with.
 */
export const consoleModule: HubModule = {
  name: 'console',
  projections: [],
  plugin: consolePlugin,
  graphql: {
    typeDefs: readSchemaFile(new URL('./schema.graphql', import.meta.url)),
    resolvers: consoleResolvers,
  },
};

export { buildConsoleBundle } from './build.js';
export { BUILD_COMMAND, type BundleState, bundleState, DIST_DIR } from './bundle-files.js';
export { CONSOLE_CSP } from './routes.js';
