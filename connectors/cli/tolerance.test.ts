import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteEventStore } from '../../hub/eventstore/sqlite.js';
import { runScript } from '../../hub/testing/cli.js';
import { silentLogger, tempDir } from '../../hub/testing/temp.js';
import { CONNECTORS_DIR } from '../kit/manifest.js';
import { createSqlitePopulation, populationRows } from '../sql/testing/population.js';

const connector = (...args: string[]) =>
  runScript('connectors/cli/index.ts', args, { PATH: process.env.PATH });

/** Rows the population mapping rejects: a personal ID that is not 12 digits, or no gender. */
const ROWS = populationRows({ count: 1200, dirty: true });
const BAD = ROWS.filter((r) => r.so_dinh_danh === '12345' || r.gioi_tinh === null);

describe('connector CLI: the error tolerance and dry runs say what to change', () => {
  const tmp = tempDir();
  const source = path.join(tmp.dir, 'population.sqlite');
  const sync = (dataDir: string, ...args: string[]) =>
    connector(
      'sync',
      'population-sql',
      '--data-dir',
      path.join(tmp.dir, dataDir),
      '--set',
      `url=sqlite:${source}`,
      'batchSize=1200',
      ...args,
    );

  beforeAll(() => createSqlitePopulation(source, ROWS));
  afterAll(() => tmp.remove());

  it('past maxRejectedRows, names both settings, their values and what was observed', async () => {
    expect(BAD.length).toBeGreaterThan(5);
    const res = await sync('rows', '--set', 'maxRejectedRows=5', '--quiet', '--retries', '0');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      `error CONNECTOR_ERROR_TOLERANCE_EXCEEDED (config): ${BAD.length} rows rejected (of 1200 read), more than maxRejectedRows = 5 (maxRejectedRatio = 0.01); most frequent: /gender (`,
    );
    expect(res.stderr).toContain(
      'Fix the mapping or the source rows, or raise maxRejectedRows in the configuration (--set maxRejectedRows=…)',
    );
  });

  it('past maxRejectedRatio, names both settings, their values and the observed ratio', async () => {
    const ratio = Number((BAD.length / 1200).toFixed(4));
    expect(ratio).toBeGreaterThan(0.01);
    const res = await sync('ratio', '--set', 'maxRejectedRows=100000', '--quiet');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      `error CONNECTOR_ERROR_TOLERANCE_EXCEEDED (config): ${BAD.length} of 1200 rows rejected (ratio ${ratio}), more than maxRejectedRatio = 0.01 (maxRejectedRows = 100000); most frequent: /gender (`,
    );
    expect(res.stderr).toContain('raise maxRejectedRatio in the configuration (--set maxRejectedRatio=…)');
  });

  it('a dry run with --quiet prints every rejected row with its reasons, then the tolerance it would stop at', async () => {
    const res = await sync('dry', '--dry-run', '--quiet', '--set', 'maxRejectedRows=5');
    expect(res.code).toBe(1);
    const lines = res.stdout.trim().split('\n');
    const rejects = lines.filter((l) => l.startsWith('reject'));
    expect(rejects.map((l) => /key (\d+) /.exec(l)?.[1])).toEqual(BAD.map((r) => String(r.id)));
    for (const [i, line] of rejects.entries()) {
      const bad = BAD[i]!;
      if (bad.gioi_tinh === null) expect(line).toContain('/gender is required');
      if (bad.so_dinh_danh === '12345') expect(line).toContain('/personalId must match pattern');
    }
    expect(lines.filter((l) => !l.startsWith('reject')).map((l) => l.split(':')[0])).toEqual([
      'dry run (nothing written)',
      'would save state',
    ]);
    expect(res.stdout).toContain(`read 1200, upserted 0, unchanged 0, deleted 0, rejected ${BAD.length}`);
    expect(res.stderr).toContain(`${BAD.length} rows rejected (of 1200 read), more than maxRejectedRows = 5`);
    const store = await openSqliteEventStore({
      file: path.join(tmp.dir, 'dry', 'events.db'),
      logger: silentLogger(),
    });
    expect((await store.info()).lastPosition).toBe(0);
    await store.close();
  });

  it('shows a personal source key hashed, as the dead-letter stream records it', async () => {
    const root = path.join(tmp.dir, 'connectors');
    const dir = path.join(root, 'census-sql');
    fs.mkdirSync(dir, { recursive: true });
    const manifest = JSON.parse(
      fs.readFileSync(path.join(CONNECTORS_DIR, 'population-sql', 'connector.json'), 'utf8'),
    );
    manifest.name = 'census-sql';
    manifest.streams[0].primaryKey = 'so_dinh_danh';
    fs.writeFileSync(path.join(dir, 'connector.json'), JSON.stringify(manifest));
    fs.copyFileSync(
      path.join(CONNECTORS_DIR, 'population-sql', 'mapping.json'),
      path.join(dir, 'mapping.json'),
    );
    const run = (...args: string[]) =>
      connector(
        'sync',
        'census-sql',
        '--connectors-dir',
        root,
        '--data-dir',
        path.join(tmp.dir, 'census'),
        '--set',
        `url=sqlite:${source}`,
        'maxRejectedRows=100000',
        'maxRejectedRatio=1',
        ...args,
      );

    const dry = await run('--dry-run', '--quiet');
    expect(dry.code, dry.stderr).toBe(0);
    const shown = dry.stdout
      .split('\n')
      .flatMap((l) => (l.startsWith('reject') ? [/key (\S+) /.exec(l)![1]!] : []));
    expect(shown).toHaveLength(BAD.length);
    for (const key of shown) expect(key).toMatch(/^[0-9a-f]{32}$/);
    for (const r of BAD) expect(dry.stdout).not.toContain(r.so_dinh_danh);

    const real = await run('--quiet');
    expect(real.code, real.stderr).toBe(0);
    const store = await openSqliteEventStore({
      file: path.join(tmp.dir, 'census', 'events.db'),
      logger: silentLogger(),
    });
    const dead = await store.readStream('deadletter-census-sql');
    await store.close();
    const recorded = dead.map(
      (e) => (e.data as { sourceKey: Record<string, string> }).sourceKey.so_dinh_danh,
    );
    expect(new Set(shown)).toEqual(new Set(recorded));
  });
});
