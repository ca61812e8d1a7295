import { type HubModule, readSchemaFile } from '../../kernel/module.js';
import { accessPlugin } from './plugin.js';
import { accessResolvers } from './resolvers.js';

/**
 * Consented release of personal data: the contract and consent checks, the rate limit, and the
 * `DataAccessed` / `DataAccessDenied` record of every release and refusal (one stream per citizen).
 */
export const accessModule: HubModule = {
  name: 'access',
  projections: [],
  plugin: accessPlugin,
  // `person`'s `purpose` and `dossier` are checked by the release service, which records the refusal
  graphql: {
    typeDefs: readSchemaFile(new URL('./schema.graphql', import.meta.url)),
    resolvers: accessResolvers,
  },
};

export * from './events.js';
export { type AccessInputRules, accessInputRules } from './limits.js';
export { AccessRateLimiter, type RateLimit } from './rate-limit.js';
export type { ReleaseReceipt } from './receipt.js';
export { AccessRecorder, type AccessRecorderOptions } from './recorder.js';
export {
  DEFAULT_REFUSAL_RATE_LIMIT,
  type Release,
  type ReleaseByKey,
  type ReleaseDeps,
  type ReleaseOfSubject,
  type ReleaseQuery,
  ReleaseService,
} from './release.js';
export {
  type RecordOutcome,
  type RecordRequest,
  type RecordsOutcome,
  type Refusal,
  type ReleasedRecord,
  type ReleaseServices,
  releaseRecord,
  releaseRecordsOfSubject,
} from './release-record.js';
export { StreamAppender } from './stream-appender.js';
