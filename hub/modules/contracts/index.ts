import { type HubModule, readSchemaFile } from '../../kernel/module.js';
import { registerContractCommands } from './cli.js';
import { contractsPlugin } from './plugin.js';
import { contractsProjection } from './projection.js';
import { contractResolvers } from './resolvers.js';

/** Data-sharing contracts between agencies: files, versions, revocation, the terms a release relies on. */
export const contractsModule: HubModule = {
  name: 'contracts',
  projections: [contractsProjection],
  plugin: contractsPlugin,
  graphql: {
    typeDefs: readSchemaFile(new URL('./schema.graphql', import.meta.url)),
    resolvers: contractResolvers,
    argumentLimits: [
      { field: 'Mutation.revokeContract', argument: 'id', event: 'ContractRevoked', path: 'contractId' },
      { field: 'Mutation.revokeContract', argument: 'reason', event: 'ContractRevoked', path: 'reason' },
    ],
  },
  cli: (program, { projections }) => registerContractCommands(program, projections),
};

export * from './commands.js';
export * from './decider.js';
export * from './events.js';
export {
  CONTRACTS_DIR,
  type ContractFile,
  type ContractFileResult,
  contractFilesIn,
  type LoadedContract,
  readContractFiles,
  toTerms,
} from './files.js';
export { contractsProjection } from './projection.js';
export { contractVersions, type FindContractsQuery, findContracts, getContract } from './queries.js';
export {
  type ApplyOutcome,
  applyContracts,
  checkParties,
  handleContractCommand,
  loadContract,
  revokeContract,
} from './service.js';
export type { ContractRecord, ContractView, FindContracts } from './types.js';
