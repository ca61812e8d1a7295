import { type HubModule, readSchemaFile } from '../../kernel/module.js';
import { accessLogPlugin } from './plugin.js';
import { accessLogProjection } from './projection.js';
import { accessLogResolvers } from './resolvers.js';

/**
 * The access log as inspectors and citizens read it: the inspectors' search and export over a read
 * model of every access event, every read of an inspector recorded (`InspectionPerformed`, the
 * `inspections` service other modules use), the citizen's data tracker and deferred disclosure.
 */
export const accessLogModule: HubModule = {
  name: 'access-log',
  projections: [accessLogProjection],
  plugin: accessLogPlugin,
  graphql: {
    typeDefs: readSchemaFile(new URL('./schema.graphql', import.meta.url)),
    resolvers: accessLogResolvers,
    argumentLimits: [
      {
        field: 'Mutation.deferDisclosure',
        argument: 'input.basis',
        event: 'DisclosureDeferred',
        path: 'basis',
      },
      {
        field: 'Mutation.deferDisclosure',
        argument: 'input.until',
        event: 'DisclosureDeferred',
        path: 'until',
      },
      {
        field: 'Mutation.deferDisclosure',
        argument: 'input.agency',
        event: 'DisclosureDeferred',
        path: 'scope.agency',
      },
      {
        field: 'Mutation.deferDisclosure',
        argument: 'input.purpose',
        event: 'DisclosureDeferred',
        path: 'scope.purpose',
      },
    ],
  },
};

export * from './events.js';
export { type AccessLogFilter, type AccessLogFilterInput, parseFilter } from './filter.js';
export { InspectionLog, type InspectionRecord } from './inspections.js';
export { accessLogProjection, OUTCOMES, type Outcome } from './projection.js';
export { AccessLogQueries } from './queries.js';
