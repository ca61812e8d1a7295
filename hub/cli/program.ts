import { Command } from 'commander';
import type { ProjectionDefinition } from '../kernel/projection.js';
import { registerAgencyCommands } from '../modules/agencies/cli.js';
import { registerContractCommands } from '../modules/contracts/cli.js';
import { registerEraseCommands } from '../modules/erasure/cli.js';
import { projectionsCommand } from './projections.js';
import { storeCommand } from './store.js';

/** The `hub` command line. Throws instead of exiting; the entry point decides the exit code. */
export function buildProgram(projections: readonly ProjectionDefinition[], env: NodeJS.ProcessEnv): Command {
  const program = new Command('hub')
    .description('Lienthong hub operations: event store, read models, agencies, contracts and erasure')
    .option(
      '-d, --data-dir <dir>',
      'directory holding events.db and readmodels.db',
      env.LIENTHONG_DATA_DIR ?? './data',
    )
    .option('-v, --verbose', 'log progress to stderr')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)');
  projectionsCommand(program, projections);
  storeCommand(program);
  registerAgencyCommands(program, projections);
  registerContractCommands(program, projections);
  registerEraseCommands(program, env);
  return program;
}
