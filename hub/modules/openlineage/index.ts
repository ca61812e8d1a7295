import type { HubModule } from '../../kernel/module.js';
import { registerOpenLineageCommands } from './cli.js';
import { openLineagePlugin } from './plugin.js';

/**
 * The OpenLineage export of connector runs (START / COMPLETE / FAIL) and data accesses (a release
 * COMPLETE, a refusal FAIL), with column lineage and the hub's consent and legal-basis facets:
 * `GET /openlineage/events` for inspectors, `hub openlineage export|validate`.
 */
export const openLineageModule: HubModule = {
  name: 'openlineage',
  projections: [],
  plugin: openLineagePlugin,
  cli: (program) => registerOpenLineageCommands(program),
};

export { ACCESS_EVENT_TYPES } from './accesses.js';
export {
  EXPORT_KINDS,
  type ExportContext,
  type ExportKind,
  type ExportPlan,
  type ExportWindow,
  exportEvents,
  planExport,
} from './export.js';
export { FACET_SCHEMAS, type RunEvent } from './facets.js';
export { agencyNamespace, hubNamespace, PRODUCER, releaseJobName, sourceDataset } from './names.js';
export { type ExportParameters, exportWindow } from './parameters.js';
export { RUN_EVENT_TYPES } from './runs.js';
export { HttpTransport } from './transport.js';
export {
  createOpenLineageValidator,
  type LineageIssue,
  OPENLINEAGE_SCHEMAS_DIR,
  type OpenLineageValidator,
} from './validator.js';
