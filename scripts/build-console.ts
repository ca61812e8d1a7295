/**
 * Builds the inspector console (hub/modules/console/web) with Vite into the folder the hub serves
 * it from. Usage:
 *   npm run build:console [-- --if-stale | --check]
 */
import path from 'node:path';
import { Command } from 'commander';
import { BUILD_COMMAND, buildConsoleBundle, bundleState, DIST_DIR } from '../hub/modules/console/index.js';

const program = new Command('build:console')
  .description(`Build the inspector console with Vite into ${path.relative(process.cwd(), DIST_DIR)}`)
  .option('--if-stale', 'build only when the bundle is missing or was built from other sources')
  .option('--check', 'build nothing: exit 1 when the bundle is missing or was built from other sources')
  .parse();

const options = program.opts<{ ifStale?: boolean; check?: boolean }>();
if (options.ifStale && options.check) program.error('--if-stale and --check exclude each other');

const state = bundleState();
if (options.check) {
  console.log(`inspector console: ${state}${state === 'current' ? '' : ` (run ${BUILD_COMMAND})`}`);
  process.exit(state === 'current' ? 0 : 1);
}
if (options.ifStale && state === 'current') {
  console.log('inspector console: up to date');
  process.exit(0);
}

const started = performance.now();
try {
  await buildConsoleBundle();
} catch (error) {
  console.error(`inspector console: build failed: ${(error as Error).message}`);
  process.exit(1);
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`inspector console: built in ${seconds} s into ${path.relative(process.cwd(), DIST_DIR)}`);
