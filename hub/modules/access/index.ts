import type { GraphqlPart, HubModule } from '../../kernel/module.js';
import { readSchemaFile } from '../../kernel/module.js';
import { type DatasetDefinition, loadDatasets } from '../records/index.js';
import { datasetApi } from './dataset-api.js';
import { accessPlugin } from './plugin.js';
import { accessResolvers } from './resolvers.js';

/**
 * The access module over the datasets `load` returns (read once, on first use): `person`,
 * `accessLog`, and a type and queries per dataset about people, generated from its schema. A
 * dataset file added to `schemas/datasets/` gets its query with no code to change.
 */
export function accessModuleFor(load: () => ReadonlyMap<string, DatasetDefinition>): HubModule {
  let datasets: ReadonlyMap<string, DatasetDefinition> | undefined;
  const get = () => {
    datasets ??= load();
    return datasets;
  };
  let part: GraphqlPart | undefined;
  return {
    name: 'access',
    projections: [],
    plugin: accessPlugin(get),
    // the purpose and dossier arguments are checked by the release service, which records the refusal
    get graphql(): GraphqlPart {
      if (!part) {
        const generated = datasetApi(get());
        part = {
          typeDefs: `${readSchemaFile(new URL('./schema.graphql', import.meta.url))}
${generated.typeDefs}`,
          resolvers: { Query: { ...accessResolvers.Query, ...generated.resolvers.Query } },
        };
      }
      return part;
    },
  };
}

/**
 * Consented release of personal data: the contract and consent checks, the rate limit, and the
 * `DataAccessed` / `DataAccessDenied` record of every release and refusal (one stream per citizen),
 * for every dataset of `schemas/datasets/`.
 */
export const accessModule: HubModule = accessModuleFor(() => loadDatasets());

export { type DatasetApi, datasetApi } from './dataset-api.js';
export * from './events.js';
export { type AccessInputRules, accessInputRules } from './limits.js';
export { checkPersonalId } from './lookup.js';
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
  releaseRecordOfSubject,
  releaseRecordsOfSubject,
} from './release-record.js';
export { StreamAppender } from './stream-appender.js';
