import type { HubModule } from '../../kernel/module.js';
import { recordsProjection } from './projection.js';

/** Records of the datasets providers share (population, …), sealed per citizen, with provenance. */
export const recordsModule: HubModule = {
  name: 'records',
  projections: [recordsProjection],
};

export {
  buildDelete,
  buildUpsert,
  deriveVersionKey,
  type RecordIdentity,
  type RecordSealing,
  recordIdentity,
  recordKeyFor,
  recordVersion,
  sealingFor,
  uuidV5,
} from './build.js';
export { DATASETS_DIR, type DatasetDefinition, datasetAjv, loadDatasets } from './datasets.js';
export * from './events.js';
export {
  eraseSubjectRecords,
  getRecord,
  type RawRecordRow,
  type RecordRow,
  recordRowOf,
  recordsOfSubject,
  recordsProjection,
} from './projection.js';
export {
  type DatasetQualitySettings,
  datasetQualitySettings,
  QUALITY_DEFAULTS,
} from './quality.js';
export {
  comparableValue,
  listsPresence,
  presentFields,
  qualityDigests,
  trackedOptional,
} from './quality-marks.js';
export { type OpenedRecord, openRecord, openRecordValues } from './read.js';
