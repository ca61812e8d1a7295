/**
 * Creates a synthetic ministry database (population, civil status, social insurance, judicial
 * records, driving licences, business registry or land parcels) on PostgreSQL, MariaDB or SQLite,
 * every one drawn from the same citizens for the same seed. Usage:
 *   npm run generate:source -- --kind postgres --dataset population --rows 100000 [--url …] [--seed 1]
 */
import fs from 'node:fs';
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  createSourceDatabase,
  SOURCE_DATASETS,
  SOURCE_KINDS,
  type SourceDataset,
  type SourceKind,
} from '../demo/sources/index.js';
import { ensureDatabase } from '../demo/sources/servers.js';
import { redactPassword } from './redact.js';

const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return n;
};

const program = new Command('generate:source')
  .description('Create and fill a synthetic Vietnamese ministry database (drops the tables it creates first)')
  .addOption(new Option('--kind <kind>', 'database kind').choices(SOURCE_KINDS).makeOptionMandatory())
  .addOption(new Option('--dataset <name>', 'which database').choices(SOURCE_DATASETS).default('population'))
  .option(
    '--rows <n>',
    'rows in the main table (citizens, enterprises, parcels); for civil-status, social-insurance, ' +
      'judicial-records and driving-licences the citizens they are drawn from',
    positiveInt,
    10_000,
  )
  .option(
    '--url <url>',
    'postgres://…/db, mysql://…/db or a SQLite file path ' +
      '(default: database "lienthong_source" on the local server, created if missing, or ./data/sources/<dataset>.sqlite)',
  )
  .option('--seed <n>', 'seed: the same seed gives the same rows', positiveInt, 1)
  .option('--quiet', 'no progress bar')
  .parse();

const opts = program.opts<{
  kind: SourceKind;
  dataset: SourceDataset;
  rows: number;
  url?: string;
  seed: number;
  quiet?: boolean;
}>();

async function targetUrl(): Promise<string> {
  if (opts.url) return opts.url;
  if (opts.kind === 'sqlite') return `data/sources/${opts.dataset}.sqlite`;
  return ensureDatabase(opts.kind, 'lienthong_source');
}

const bar = new SingleBar({
  format: `${opts.dataset} → ${opts.kind} {bar} {value}/{total} rows | {percentage}% | {duration}s`,
  hideCursor: true,
});
const started = Date.now();
if (!opts.quiet) bar.start(opts.rows, 0);
try {
  const url = await targetUrl();
  if (opts.kind === 'sqlite') fs.mkdirSync(path.dirname(path.resolve(url)), { recursive: true });
  const result = await createSourceDatabase({ kind: opts.kind, url }, opts.dataset, {
    rows: opts.rows,
    seed: opts.seed,
    onProgress: (done) => bar.update(done),
  });
  bar.stop();
  const seconds = (Date.now() - started) / 1000;
  const tables = Object.entries(result.rowsByTable)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
  console.log(
    `${opts.dataset} → ${opts.kind} ${redactPassword(url)}: ${tables} rows in ${seconds.toFixed(1)} s ` +
      `(${Math.round(result.rows / seconds)} rows/s, seed ${opts.seed})`,
  );
} catch (err) {
  bar.stop();
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
}
