import { Command } from 'commander';
import type { HubModule } from '../kernel/module.js';
import type { ProjectionDefinition } from '../kernel/projection.js';
import { hubModules } from '../modules/index.js';
import { projectionsCommand } from './projections.js';
import { storeCommand } from './store.js';

/**
 * The `hub` command line: the event store and read-model commands, then each module's command
 * groups (`cli` of its description) in the order of the module list. Throws instead of exiting;
 * the entry point decides the exit code.
 */
export function buildProgram(
  projections: readonly ProjectionDefinition[],
  env: NodeJS.ProcessEnv,
  modules: readonly HubModule[] = hubModules,
): Command {
  const program = new Command('hub')
    .description(
      'Lienthong hub operations: event store, read models, agencies, contracts, procedures, the working calendar and erasure',
    )
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
  for (const module of modules) module.cli?.(program, { projections, env });
  return program;
}
