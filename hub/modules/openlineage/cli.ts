import { once } from 'node:events';
import fs from 'node:fs';
import readline from 'node:readline';
import type { Command } from 'commander';
import { type GlobalOptions, withSession } from '../../cli/kit/context.js';
import { OpenLineageEventsInvalidError, OpenLineageQueryError } from '../../kernel/errors/index.js';
import { loadDatasets } from '../records/index.js';
import { exportEvents, planExport } from './export.js';
import { exportWindow } from './parameters.js';
import { endpointOf, HttpTransport } from './transport.js';
import { createOpenLineageValidator } from './validator.js';

interface ExportOptions {
  since?: string;
  until?: string;
  kind?: string;
  limit?: string;
  out?: string;
  url?: string;
}

/** Writes lines to a stream, waiting whenever it asks to. */
async function write(stream: NodeJS.WritableStream, line: string): Promise<void> {
  if (!stream.write(line)) await once(stream, 'drain');
}

/** Lines of a file, or of standard input for `-`. */
function linesOf(file: string): readline.Interface {
  if (file !== '-' && !fs.existsSync(file))
    throw new OpenLineageQueryError('<file>', `no such file: ${file}`);
  const input = file === '-' ? process.stdin : fs.createReadStream(file);
  return readline.createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
}

export function registerOpenLineageCommands(program: Command): void {
  const group = program
    .command('openlineage')
    .description('OpenLineage RunEvents of connector runs and data accesses, for lineage tools (Marquez …)');

  group
    .command('export')
    .description(
      'write the RunEvents of a window as NDJSON (standard output, or --out), and/or POST each to an ' +
        'OpenLineage HTTP endpoint (--url); instants are ISO 8601 with an offset, or a day (from its start in Vietnam)',
    )
    .option('--since <instant>', 'events at or after this instant (default: from the start of the log)')
    .option('--until <instant>', 'events before this instant (default: to the end of the log)')
    .option('--kind <kind>', 'runs (connector runs) or accesses (releases and refusals); both when left out')
    .option('--limit <n>', 'at most this many events, the first in log order (1 to 1,000,000)')
    .option('--out <file>', 'write the NDJSON to this file (written whole, then renamed into place)')
    .option(
      '--url <endpoint>',
      'POST each event to this OpenLineage HTTP endpoint, e.g. http://marquez:5000/api/v1/lineage',
    )
    .action(async (options: ExportOptions, command: Command) => {
      const window = exportWindow(options, '--');
      const transport = options.url ? new HttpTransport(endpointOf(options.url)) : undefined;
      const global = command.optsWithGlobals<GlobalOptions>();
      const { count, written } = await withSession(global, [], async ({ store, config }) => {
        const plan = await planExport(store, window);
        const part = options.out ? `${options.out}.part` : undefined;
        const out = part ? fs.createWriteStream(part) : transport ? undefined : process.stdout;
        let written = 0;
        let failed = true;
        try {
          const context = { store, hubId: config.exchange.hubId, datasets: loadDatasets() };
          for await (const event of exportEvents(context, window, plan)) {
            if (out) await write(out, `${JSON.stringify(event)}\n`);
            await transport?.emit(event);
            written += 1;
          }
          failed = false;
        } finally {
          if (part && out) {
            out.end();
            await once(out, 'close');
            // a file is only ever the whole export
            if (failed) fs.rmSync(part, { force: true });
            else fs.renameSync(part, options.out!);
          }
        }
        return { count: plan.count, written };
      });
      const where = [options.out, transport ? `${options.url} (${transport.sent} posted)` : undefined]
        .filter(Boolean)
        .join(' and ');
      console.error(`openlineage: ${written} of ${count} event(s) exported${where ? ` to ${where}` : ''}`);
    });

  group
    .command('validate')
    .description(
      'check NDJSON RunEvents against the OpenLineage schemas copied in schemas/openlineage/ and the hub facets',
    )
    .argument('<file>', 'the NDJSON file (- for standard input)')
    .action(async (file: string) => {
      const validator = createOpenLineageValidator();
      let total = 0;
      let invalid = 0;
      let number = 0;
      for await (const line of linesOf(file)) {
        number += 1;
        if (line.trim() === '') continue;
        total += 1;
        let event: unknown;
        try {
          event = JSON.parse(line);
        } catch {
          invalid += 1;
          console.log(`line ${number}: not JSON`);
          continue;
        }
        const issues = validator.validate(event);
        if (issues.length > 0) invalid += 1;
        for (const issue of issues) console.log(`line ${number}: ${issue.path || '/'} ${issue.message}`);
      }
      if (invalid > 0) throw new OpenLineageEventsInvalidError(file, invalid, total);
      console.log(`${file}: ${total} event(s), all valid OpenLineage`);
    });
}
