/**
 * Kills writer processes of the embedded event store at random moments, many times over, then
 * proves nothing acknowledged was lost or duplicated. Prints a summary and one JSON line.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { runCrashTest } from '../hub/eventstore/crash/harness.js';

const positive = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number >= 1`);
  return n;
};

const program = new Command('crash-test')
  .description('SIGKILL embedded-store writer processes at random moments and verify the store afterwards')
  .option('--kills <n>', 'how many times to kill a writer', positive('--kills'), 1000)
  .option('--writers <n>', 'writer processes running at once', positive('--writers'), 4)
  .option('--producers <n>', 'concurrent appenders inside each writer', positive('--producers'), 4)
  .option('--file <path>', 'store file to use (default: a new file in a temporary directory)')
  .option('--keep', 'keep the temporary store file afterwards')
  .parse();

const opts = program.opts<{
  kills: number;
  writers: number;
  producers: number;
  file?: string;
  keep?: boolean;
}>();
const dir = opts.file ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'lt-crash-'));
const file = opts.file ?? path.join(dir!, 'events.db');
const bar = new SingleBar({
  format: 'kills {bar} {value}/{total} | {percentage}% | ETA {eta_formatted}',
  noTTYOutput: true,
  notTTYSchedule: 10_000,
});
bar.start(opts.kills, 0);
const started = Date.now();
const report = await runCrashTest({
  file,
  kills: opts.kills,
  writers: opts.writers,
  producers: opts.producers,
  onKill: (done) => bar.update(done),
});
bar.stop();
console.log(`store file:            ${file}`);
console.log(`kills:                 ${report.kills} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`acknowledged appends:  ${report.acknowledgedAppends}`);
console.log(`stored events:         ${report.storedEvents}`);
console.log(
  `restart (spawn→ready): median ${report.restartMs.median.toFixed(0)} ms, max ${report.restartMs.max.toFixed(0)} ms`,
);
console.log(
  `store open+recovery:   median ${report.openMs.median.toFixed(1)} ms, max ${report.openMs.max.toFixed(1)} ms`,
);
const ok = report.problems.length === 0 && report.restartMs.max < 5000;
console.log(
  ok
    ? 'verdict:               OK — nothing lost, nothing duplicated, no gaps, integrity ok'
    : 'verdict:               FAILED',
);
for (const p of report.problems) console.log(`  problem: ${p}`);
if (dir && !opts.keep) fs.rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ ok, ...report, problems: report.problems.length }));
process.exitCode = ok ? 0 : 1;
