/**
 * Creates a synthetic one-stop system's database in the style of OpenCPS (`opencps_dossier` and
 * its status history `opencps_dossieraction`) on PostgreSQL, MariaDB or SQLite, for the
 * `one-stop-sql` connector. Deterministic: the same options give the same rows. Usage:
 *   npm run generate:one-stop -- --driver postgres --dossiers 10000 [--url …] [--from 2025-07-01 --to 2026-06-30] [--seed 1]
 */
import fs from 'node:fs';
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { SOURCE_KINDS, type SourceKind } from '../demo/sources/index.js';
import { generateOneStop } from '../demo/sources/one-stop.js';
import { ensureDatabase } from '../demo/sources/servers.js';
import { redactPassword } from './redact.js';

const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return n;
};
const day = (value: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value)))
    throw new InvalidArgumentError('expected a day YYYY-MM-DD');
  return value;
};
const rate = (value: string) => {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('expected a number from 0 to 1');
  return n;
};

const program = new Command('generate:one-stop')
  .description(
    "Create and fill an OpenCPS-style one-stop system's database: dossiers and one history row per status change (drops the two tables first)",
  )
  .addOption(new Option('--driver <kind>', 'database kind').choices(SOURCE_KINDS).makeOptionMandatory())
  .option(
    '--url <url>',
    'postgres://…/db, mysql://…/db or a SQLite file path ' +
      '(default: database "lienthong_one_stop" on the local server, created if missing, or ./data/sources/one-stop.sqlite)',
  )
  .option('--dossiers <n>', 'dossiers to generate', positiveInt, 1000)
  .option('--from <day>', 'first day of submissions', day, '2025-07-01')
  .option(
    '--to <day>',
    'last day of submissions (later steps are not written: dossiers still in progress)',
    day,
    '2026-06-30',
  )
  .option(
    '--impossible-rate <p>',
    'share of dossiers with a history row the hub must refuse (released before received)',
    rate,
    0.005,
  )
  .option('--seed <n>', 'seed: the same seed gives the same rows', positiveInt, 1)
  .option('--quiet', 'no progress bar')
  .parse();

const opts = program.opts<{
  driver: SourceKind;
  url?: string;
  dossiers: number;
  from: string;
  to: string;
  impossibleRate: number;
  seed: number;
  quiet?: boolean;
}>();

async function targetUrl(): Promise<string> {
  if (opts.url) return opts.url;
  if (opts.driver === 'sqlite') return 'data/sources/one-stop.sqlite';
  return ensureDatabase(opts.driver, 'lienthong_one_stop');
}

const bar = new SingleBar({
  format: `one-stop → ${opts.driver} {bar} {value}/{total} dossiers | {percentage}% | {duration}s`,
  hideCursor: true,
});
if (!opts.quiet) bar.start(opts.dossiers, 0);
try {
  const url = await targetUrl();
  if (opts.driver === 'sqlite') fs.mkdirSync(path.dirname(path.resolve(url)), { recursive: true });
  const result = await generateOneStop({
    driver: opts.driver,
    connection: url,
    dossiers: opts.dossiers,
    seed: opts.seed,
    from: opts.from,
    to: opts.to,
    impossibleRate: opts.impossibleRate,
    onProgress: (done) => bar.update(done),
  });
  bar.stop();
  const seconds = result.durationMs / 1000;
  console.log(
    `one-stop → ${opts.driver} ${redactPassword(url)}: ${result.dossiers} dossiers, ${result.actions} history rows ` +
      `(${result.impossible} with an impossible row) in ${seconds.toFixed(1)} s ` +
      `(${Math.round(result.actions / Math.max(seconds, 0.001))} rows/s, seed ${opts.seed})`,
  );
} catch (err) {
  bar.stop();
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
}
