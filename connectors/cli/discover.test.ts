import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runScript } from '../../hub/testing/cli.js';
import { tempDir } from '../../hub/testing/temp.js';
import { createSqlitePopulation, populationRows } from '../sql/testing/population.js';

describe('connector discover before a connector exists, and commands that fail before touching the hub', () => {
  let tmp: ReturnType<typeof tempDir>;
  let source: string;
  let dataDir: string;
  beforeEach(() => {
    tmp = tempDir();
    source = path.join(tmp.dir, 'population.sqlite');
    dataDir = path.join(tmp.dir, 'data');
    createSqlitePopulation(source, populationRows({ count: 5 }));
  });
  afterEach(() => tmp.remove());
  const run = (...args: string[]) =>
    runScript('connectors/cli/index.ts', args, { PATH: process.env.PATH, LIENTHONG_DATA_DIR: dataDir });

  it('without a name lists the tables of --set url=… and writes no hub file', async () => {
    const out = await run('discover', '--set', `url=sqlite:${source}`, '--json');
    expect(out.code).toBe(0);
    const catalog = JSON.parse(out.stdout) as { streams: { name: string; primaryKey: string[] }[] };
    expect(catalog.streams.map((s) => s.name)).toContain('cong_dan');
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('without a name or a URL says which setting is missing', async () => {
    const out = await run('discover');
    expect(out.code).not.toBe(0);
    expect(out.stderr).toMatch(/url/);
  });

  it('with a connector name reads its source and writes no hub file', async () => {
    const out = await run(
      'discover',
      'population-sql',
      '--data-dir',
      dataDir,
      '--set',
      `url=sqlite:${source}`,
    );
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('cong_dan');
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('an unknown connector fails before the data directory gets events.db, keys.db or secrets.json', async () => {
    for (const command of ['discover', 'check', 'status']) {
      const out = await run(
        command,
        'no-such-connector',
        '--data-dir',
        dataDir,
        '--set',
        `url=sqlite:${source}`,
      );
      expect(out.code, command).not.toBe(0);
      expect(out.stderr, command).toMatch(/no-such-connector/);
      expect(fs.existsSync(dataDir) ? fs.readdirSync(dataDir) : [], command).toEqual([]);
    }
  });
});
