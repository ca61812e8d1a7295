import { type HubModule, readSchemaFile } from '../../kernel/module.js';
import { accessResolvers } from './resolvers.js';

/**
 * Consented release of personal data: the contract and consent checks, the rate limit, and the
 * `DataAccessed` / `DataAccessDenied` record of every release and refusal (one stream per citizen).
 */
export const accessModule: HubModule = {
  name: 'access',
  projections: [],
  graphql: {
    typeDefs: readSchemaFile(new URL('./schema.graphql', import.meta.url)),
    resolvers: accessResolvers,
  },
};

export { apiCode } from './codes.js';
export * from './events.js';
export { ContractRateLimiter } from './rate-limit.js';
export { type Release, type ReleaseDeps, type ReleaseRequest, ReleaseService } from './release.js';
export { StreamAppender } from './stream-appender.js';
