import { CommanderError } from 'commander';
import { exitQuietlyWhenStdoutCloses } from './cli/kit/pipe.js';
import { buildProgram } from './cli/program.js';
import { HubError } from './kernel/errors/index.js';
import { hubModules } from './modules/index.js';
import { allProjections } from './projections/registry.js';

exitQuietlyWhenStdoutCloses();
const program = buildProgram(allProjections(hubModules), process.env);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (error instanceof HubError) console.error(`error [${error.code}]: ${error.message}`);
  else console.error('unexpected error:', error);
  process.exit(1);
}
