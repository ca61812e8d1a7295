import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runScript } from '../../hub/testing/cli.js';
import { tempDir } from '../../hub/testing/temp.js';
import { createSqlitePopulation, populationRows } from '../sql/testing/population.js';
import { summaryLines } from './print.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const env = { PATH: process.env.PATH };

/** Lines that are a JSON value on their own (log records), as opposed to text for people. */
const jsonLines = (text: string) =>
  text.split('\n').filter((line) => {
    try {
      return typeof JSON.parse(line) === 'object';
    } catch {
      return false;
    }
  });

describe('connector sync: output for people', () => {
  let tmp: ReturnType<typeof tempDir>;
  let source: string;
  beforeEach(() => {
    tmp = tempDir();
    source = path.join(tmp.dir, 'population.sqlite');
    createSqlitePopulation(source, populationRows({ count: 300 }));
  });
  afterEach(() => tmp.remove());
  const args = (...more: string[]) => [
    'sync',
    'population-sql',
    '--data-dir',
    path.join(tmp.dir, 'data'),
    '--set',
    `url=sqlite:${source}`,
    'batchSize=100',
    'queryTimeoutMs=200',
    ...more,
  ];

  it('a run retried after a transient failure: one summary of both runs on stdout, no JSON line anywhere', async () => {
    // The source is locked by a writer: the first run times out (SQLITE_BUSY after queryTimeoutMs).
    const writer = new Database(source);
    writer.exec('BEGIN EXCLUSIVE');
    const child = spawn(
      path.join(ROOT, 'node_modules/.bin/tsx'),
      ['connectors/cli/index.ts', ...args('--retries', '2')],
      {
        cwd: ROOT,
        env,
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      // The CLI says it will retry: the writer lets go before the retry starts.
      if (writer.inTransaction && stderr.includes('retry 1 of 2')) writer.exec('COMMIT');
      // (Should the machine be too slow to answer within the 1 s delay, the next retry succeeds.)
    });
    const [code] = await once(child, 'exit');
    writer.close();
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/^run failed \(CONNECTOR_SOURCE_TIMEOUT, transient\): .*; retry 1 of 2 in 1 s/m);
    expect(jsonLines(stderr)).toEqual([]);
    expect(jsonLines(stdout)).toEqual([]);
    const failed = stderr.match(/^run failed /gm)!.length;
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      new RegExp(
        `^sync in ${failed + 1} runs \\(${failed} retr(y|ies) after a transient source failure\\): read 300, upserted 300, unchanged 0, deleted 0, rejected 0 in \\d+\\.\\d s`,
      ),
    );
    for (let i = 1; i <= failed; i++)
      expect(lines[i]).toMatch(/^ {2}run \S+ failed \(CONNECTOR_SOURCE_TIMEOUT\): read 0, upserted 0, /);
    expect(lines[failed + 1]).toMatch(/^ {2}run \S+ completed: read 300, upserted 300, /);
    expect(lines[failed + 2]).toMatch(/^saved state: /);
  }, 60_000);

  it('--log-json: log records as JSON lines on stderr only; stdout stays for people', async () => {
    const res = await runScript('connectors/cli/index.ts', [...args(), '--log-json'], env);
    expect(res.code, res.stderr).toBe(0);
    const records = res.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(records.map((r) => r.msg)).toContain('connector run completed');
    expect(jsonLines(res.stdout)).toEqual([]);
    expect(res.stdout).toMatch(/^run \S+: read 300, upserted 300, /);
  }, 60_000);

  it('--verbose: the same records as lines for people', async () => {
    const res = await runScript('connectors/cli/index.ts', [...args(), '--verbose', '--quiet'], env);
    expect(res.code, res.stderr).toBe(0);
    expect(jsonLines(res.stderr)).toEqual([]);
    expect(res.stderr).toMatch(/^info: connector run completed \(.*connector=population-sql.*\)$/m);
  }, 60_000);

  it('--full-refresh: deletes the record of a row gone from the source; --stream names one, and only with it', async () => {
    const help = await runScript('connectors/cli/index.ts', ['sync', '--help'], env);
    expect(help.stdout).toMatch(/--full-refresh +read every row of the streams from the start/);
    expect(help.stdout).toMatch(/--stream <name\.\.\.> +with --full-refresh: only these streams/);
    expect((await runScript('connectors/cli/index.ts', [...args(), '--quiet'], env)).code).toBe(0);
    const db = new Database(source);
    db.exec('DELETE FROM cong_dan WHERE id = 42');
    db.close();

    const alone = await runScript('connectors/cli/index.ts', [...args(), '--stream', 'cong_dan'], env);
    expect(alone.code).toBe(1);
    expect(alone.stderr).toContain('--stream chooses the streams of --full-refresh: add --full-refresh');
    const unknown = await runScript(
      'connectors/cli/index.ts',
      [...args(), '--full-refresh', '--stream', 'nhan_khau'],
      env,
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(
      'error CONNECTOR_CONFIG_INVALID (config): sync --full-refresh: --stream population-sql has no stream nhan_khau (its streams: cong_dan)',
    );
    const refresh = await runScript(
      'connectors/cli/index.ts',
      [...args(), '--full-refresh', '--stream', 'cong_dan', '--quiet'],
      env,
    );
    expect(refresh.code, refresh.stderr).toBe(0);
    expect(refresh.stdout).toMatch(
      /^run \S+: read 299, upserted 0, unchanged 299, deleted 1, rejected 0 in /,
    );
    expect(refresh.stdout).toMatch(
      /^saved state: \{"stream":"cong_dan","mode":"incremental","cursor":"[^"]+","pk":300\}$/m,
    );
  }, 60_000);
});

describe('summaryLines', () => {
  const counts = (read: number, upserted: number, again = 0) => ({
    read,
    upserted,
    unchanged: 0,
    deleted: 0,
    rejected: 0,
    quarantined: 0,
    rejectedAgain: again,
    reread: 2 * again,
  });
  const base = { dryRun: false, states: [], durationMs: 1000 };

  it('one run: its counts and rate', () => {
    expect(summaryLines({ ...base, runId: 'r1', counts: counts(500, 500) })).toEqual([
      'run r1: read 500, upserted 500, unchanged 0, deleted 0, rejected 0 in 1.0 s (500 rows/s)',
    ]);
    // Rows the look-back read again, and rows rejected again as their last dead letter says.
    expect(summaryLines({ ...base, runId: 'r2', counts: counts(500, 490, 10) })).toEqual([
      'run r2: read 500 (20 again by the look-back), upserted 490, unchanged 0, deleted 0, rejected 0, rejected again 10 in 1.0 s (500 rows/s)',
    ]);
  });

  it('several runs: the sum over all of them, then each run', () => {
    const attempts = [
      {
        runId: 'r1',
        outcome: 'failed' as const,
        counts: counts(1000, 990),
        durationMs: 2000,
        error: { code: 'CONNECTOR_SOURCE_CONNECTION_LOST', failure: 'transient' as const, message: 'lost' },
      },
      { runId: 'r2', outcome: 'failed' as const, counts: counts(0, 0), durationMs: 500 },
      { runId: 'r3', outcome: 'completed' as const, counts: counts(600, 600), durationMs: 1000 },
    ];
    const summary = {
      ...base,
      runId: 'r3',
      counts: counts(600, 600),
      attempts,
      total: counts(1600, 1590),
      elapsedMs: 8000,
    };
    expect(summaryLines(summary)).toEqual([
      'sync in 3 runs (2 retries after a transient source failure): read 1600, upserted 1590, unchanged 0, deleted 0, rejected 0 in 8.0 s (200 rows/s)',
      '  run r1 failed (CONNECTOR_SOURCE_CONNECTION_LOST): read 1000, upserted 990, unchanged 0, deleted 0, rejected 0 in 2.0 s',
      '  run r2 failed: read 0, upserted 0, unchanged 0, deleted 0, rejected 0 in 0.5 s',
      '  run r3 completed: read 600, upserted 600, unchanged 0, deleted 0, rejected 0 in 1.0 s',
    ]);
  });
});
