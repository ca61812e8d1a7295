import type { Command } from 'commander';
import type { ProjectionDefinition } from '../kernel/projection.js';
import { findProjection } from '../projections/registry.js';
import type { ProjectionStatus } from '../projections/runner.js';
import { type GlobalOptions, withSession } from './kit/context.js';
import { formatNumber, table } from './kit/format.js';
import { rebuildProgressBar } from './progress.js';

export function projectionsCommand(program: Command, projections: readonly ProjectionDefinition[]): void {
  const group = program.command('projections').description('list, inspect and rebuild read models');

  group
    .command('list')
    .description('list the registered projections')
    .action(() => {
      const rows = projections.map((p) => [p.name, p.version, describeFilter(p), p.description]);
      console.log(table(['NAME', 'VERSION', 'EVENTS', 'DESCRIPTION'], rows));
    });

  group
    .command('status')
    .description('show each read model’s stored version, checkpoint and lag behind the event store')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      const statuses = await withSession(global, projections, ({ runner }) => runner.status());
      if (options.json) console.log(JSON.stringify(statuses, null, 2));
      else console.log(table(['NAME', 'VERSION', 'CHECKPOINT', 'LAG', 'NOTE'], statuses.map(statusRow)));
    });

  group
    .command('rebuild')
    .description('empty a read model and replay the whole event log into it')
    .argument('<name>', `projection name (${projections.map((p) => p.name).join(', ')})`)
    .option('--no-progress', 'do not draw a progress bar')
    .action(async (name: string, options: { progress: boolean }, command: Command) => {
      const definition = findProjection(projections, name);
      const global = command.optsWithGlobals<GlobalOptions>();
      const bar = options.progress ? rebuildProgressBar() : null;
      const result = await withSession(global, projections, async ({ runner }) => {
        try {
          return await runner.rebuild(definition.name, { onProgress: (p) => bar?.update(p) });
        } finally {
          bar?.stop();
        }
      });
      const rate = result.applied / Math.max(result.seconds, 1e-3);
      console.log(
        `rebuilt ${result.projection}: ${formatNumber(result.applied)} events in ${result.seconds.toFixed(1)} s ` +
          `(${formatNumber(Math.round(rate))} events/s), checkpoint ${result.checkpoint}`,
      );
    });
}

function describeFilter(p: ProjectionDefinition): string {
  const parts = [...(p.filter?.streamPrefixes?.map((s) => `${s}*`) ?? []), ...(p.filter?.eventTypes ?? [])];
  return parts.length > 0 ? parts.join(' ') : 'all';
}

function statusRow(s: ProjectionStatus): (string | number)[] {
  let note = s.lag === 0 ? 'up to date' : 'behind';
  if (s.storedVersion === null) note = 'never built';
  else if (s.storedVersion !== s.version) note = `stored version ${s.storedVersion}: rebuild pending`;
  return [s.name, s.version, s.checkpoint, s.lag, note];
}
