import { type HubModule, readSchemaFile } from '../../kernel/module.js';
import { registerProcedureCommands } from './cli.js';
import { proceduresPlugin } from './plugin.js';
import { proceduresProjection } from './projection.js';
import { procedureResolvers } from './resolvers.js';

/** The catalogue of administrative procedures: versioned definitions, eForms, prefill plans, links. */
export const proceduresModule: HubModule = {
  name: 'procedures',
  projections: [proceduresProjection],
  plugin: proceduresPlugin,
  graphql: {
    typeDefs: readSchemaFile(new URL('./schema.graphql', import.meta.url)),
    resolvers: procedureResolvers,
  },
  cli: (program, { projections }) => registerProcedureCommands(program, projections),
};

export { type Issue, type ProcedureFile, toDefinition } from './checks.js';
export * from './commands.js';
export * from './decider.js';
export {
  assertDeclaration,
  type DeclarationCheck,
  type DeclarationTarget,
  type FormField,
  formField,
  formFields,
  validateDeclaration,
} from './eform.js';
export * from './events.js';
export {
  type LoadedProcedure,
  PROCEDURES_DIR,
  type ProcedureFileResult,
  procedureFilesIn,
  readProcedureFiles,
} from './files.js';
export {
  type ComponentPlan,
  type ComponentSource,
  type DatasetPlan,
  type FieldPlan,
  type FieldSource,
  type PrefillPlan,
  prefillPlan,
  type RecordLookup,
} from './plan.js';
export { proceduresProjection } from './projection.js';
export {
  type CatalogueEntry,
  catalogueLookup,
  checkProcedureCode,
  getProcedure,
  listProcedures,
  procedureVersions,
} from './queries.js';
export {
  checkLinks,
  loadProcedure,
  type PublishOutcome,
  publishProcedures,
  withdrawProcedure,
} from './service.js';
export type { ProcedureFilter, ProcedureRecord } from './types.js';
