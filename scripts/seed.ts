/**
 * Seeds an embedded event store file with the demo datasets (idempotent: running it again appends
 * nothing). Usage: npm run seed -- --file data/events.db
 */
import fs from 'node:fs';
import path from 'node:path';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { Command } from 'commander';
import pino from 'pino';
import { demoDatasets, type SeedProgress, seedDemoData } from '../demo/seed/demo.js';
import { withValidation } from '../hub/events/validating-store.js';
import { createEventValidator } from '../hub/events/validator.js';
import { openSqliteEventStore } from '../hub/eventstore/sqlite.js';

const available = demoDatasets({ dataDir: 'data' });
const program = new Command('seed')
  .description('Write the demo datasets into an embedded event store file (validated against schemas/)')
  .requiredOption('--file <path>', 'event store file (created when missing)')
  .option('--dataset <name...>', `only these datasets (${available.map((d) => d.name).join(', ')})`)
  .option('--quiet', 'no progress bar')
  .parse();

const opts = program.opts<{ file: string; dataset?: string[]; quiet?: boolean }>();
const unknown = (opts.dataset ?? []).filter((name) => !available.some((d) => d.name === name));
if (unknown.length > 0) program.error(`unknown dataset(s): ${unknown.join(', ')}`);
const dataDir = path.dirname(path.resolve(opts.file));
const chosen = demoDatasets({ dataDir });
const datasets = opts.dataset ? chosen.filter((d) => opts.dataset!.includes(d.name)) : chosen;

const logger = pino({ level: 'warn' }, pino.destination(2));
fs.mkdirSync(path.dirname(path.resolve(opts.file)), { recursive: true });
const store = withValidation(await openSqliteEventStore({ file: opts.file, logger }), createEventValidator());

const bars = new MultiBar(
  { format: '{dataset} {bar} {value}/{total} events | {percentage}% | {status}', hideCursor: true },
  Presets.shades_classic,
);
const byDataset = new Map<string, SingleBar>();
const onProgress = (p: SeedProgress) => {
  if (opts.quiet) return;
  let bar = byDataset.get(p.dataset);
  if (!bar) {
    bar = bars.create(p.total, 0, { dataset: p.dataset.padEnd(12), status: '' });
    byDataset.set(p.dataset, bar);
  }
  bar.setTotal(p.total);
  bar.update(p.done, { dataset: p.dataset.padEnd(12), status: p.skipped ? 'already seeded' : '' });
};

const started = Date.now();
try {
  const result = await seedDemoData({ store, logger, datasets, onProgress });
  bars.stop();
  console.log(
    `${opts.file}: ${result.appended} events appended, ${result.alreadyPresent} already present ` +
      `(${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
} catch (err) {
  bars.stop();
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  await store.close();
}
