import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintDemoToken } from '../../demo/keys.js';
import { agenciesDataset } from '../../demo/seed/agencies.js';
import { openSqliteEventStore } from '../../hub/eventstore/sqlite.js';
import { runScript } from '../../hub/testing/cli.js';
import { silentLogger, tempDir } from '../../hub/testing/temp.js';
import { createSqlitePopulation, populationRows } from '../sql/testing/population.js';
import { hubArgs } from './print-inspect.js';

const OPERATOR_AGENCY = '000.00.00.G12';
const CONSUMER_AGENCY = '000.04.01.H26';

describe('connector CLI: dead letters, records and identity conflicts', () => {
  const temp = tempDir();
  const dataDir = path.join(temp.dir, 'data');
  const sourceFile = path.join(temp.dir, 'population.sqlite');
  const connector = (args: string[], env: Record<string, string> = {}) =>
    runScript('connectors/cli/index.ts', [...args, '--data-dir', dataDir], {
      PATH: process.env.PATH,
      ...env,
    });
  const withStore = async <T>(work: (s: Awaited<ReturnType<typeof openSqliteEventStore>>) => Promise<T>) => {
    const store = await openSqliteEventStore({
      file: path.join(dataDir, 'events.db'),
      logger: silentLogger(),
    });
    try {
      return await work(store);
    } finally {
      await store.close();
    }
  };
  const rows = populationRows({ count: 400, dirty: true });
  const token = (agency: string, role: 'operator' | 'consumer') =>
    mintDemoToken({ dataDir, agency, role, official: 'CB-7', audience: 'urn:lienthong:hub' });

  beforeAll(async () => {
    fs.mkdirSync(dataDir, { recursive: true });
    createSqlitePopulation(sourceFile, rows);
    await withStore(async (store) => {
      for (const s of await agenciesDataset({ dataDir }).build())
        await store.append(s.stream, s.events, { expectedRevision: 'no_stream' });
    });
    const sync = await connector(['sync', 'population-sql', '--set', `url=sqlite:${sourceFile}`, '--quiet']);
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.stdout).toMatch(/rejected 8 /);
  }, 120_000);
  afterAll(() => temp.remove());

  it('lists dead letters newest first, paged, filtered by field and reason, without values', async () => {
    const page = await connector(['deadletters', 'population-sql', '--limit', '3']);
    expect(page.code, page.stderr).toBe(0);
    const heads = page.stdout.split('\n').filter((l) => l.startsWith('#'));
    expect(heads.map((l) => Number(l.slice(1).split(' ')[0]))).toEqual([7, 6, 5]);
    expect(page.stdout).toContain('1–3 of 8 dead letter(s), newest first; next: --page 2');
    expect(page.stdout).not.toContain('12345');

    const third = await connector(['deadletters', 'population-sql', '--limit', '3', '--page', '3']);
    expect(third.stdout).toContain('7–8 of 8 dead letter(s), newest first\n');

    const byField = await connector(['deadletters', 'population-sql', '--field', 'personalId']);
    const keys = [...byField.stdout.matchAll(/cong_dan id=(\d+)/g)].map((m) => Number(m[1]));
    expect(keys.sort((a, b) => a - b)).toEqual([97, 194, 291, 388]);
    const byReason = await connector(['deadletters', 'population-sql', '--reason', 'IS REQUIRED']);
    expect([...byReason.stdout.matchAll(/cong_dan id=(\d+)/g)].map((m) => Number(m[1])).sort()).toEqual([
      178, 267, 356, 89,
    ]);
    const none = await connector([
      'deadletters',
      'population-sql',
      '--field',
      'gender',
      '--reason',
      'pattern',
    ]);
    expect(none.stdout.trim()).toBe('no dead letters match');
  }, 60_000);

  it('exports them as CSV and JSON to a file, and a re-read of the same rows appends none again', async () => {
    const csvFile = path.join(temp.dir, 'dead.csv');
    const csv = await connector(['deadletters', 'population-sql', '--format', 'csv', '--out', csvFile]);
    expect(csv.stdout.trim()).toBe(`wrote 8 of 8 matching dead letter(s) to ${csvFile}`);
    const lines = fs.readFileSync(csvFile, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('revision,at,runId,stream,dataset,sourceKey,path,message');
    expect(lines.slice(1).filter((l) => l.includes(',id=97,/personalId,'))).toHaveLength(1);
    expect(lines.join('\n')).not.toContain('12345');
    const json = await connector(['deadletters', 'population-sql', '--format', 'json', '--field', 'gender']);
    const letters = JSON.parse(json.stdout) as { sourceKey: { id: string }; issues: { path: string }[] }[];
    expect(letters.map((l) => l.sourceKey.id)).toEqual(['356', '267', '178', '89']);

    const streamLength = () =>
      withStore(async (s) => (await s.readStream('deadletter-population-sql')).length);
    expect(await streamLength()).toBe(8);
    expect((await connector(['reset', 'population-sql'])).code).toBe(0);
    const again = await connector(['sync', 'population-sql', '--set', `url=sqlite:${sourceFile}`, '--quiet']);
    // The same rows failing the same way: counted apart, not dead-lettered again.
    expect(again.stdout).toMatch(/unchanged 392, deleted 0, rejected 0, rejected again 8 /);
    expect(await streamLength()).toBe(8);
    // A row rejected for another reason is a new dead letter.
    const db = new Database(sourceFile);
    db.exec("UPDATE cong_dan SET gioi_tinh = 7, ngay_cap_nhat = '2027-01-01 00:00:00' WHERE id = 97");
    db.close();
    await connector(['sync', 'population-sql', '--set', `url=sqlite:${sourceFile}`, '--quiet']);
    expect(await streamLength()).toBe(9);
  }, 120_000);

  it('shows what the hub holds for a key with sealed fields sealed; reveals them only to an operator, recorded as an access', async () => {
    const name = rows[4]!.ho_ten.normalize('NFC').trim().replace(/\s+/g, ' ');
    const plain = await connector(['records', 'population-sql', '--key', '5']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/source row cong_dan 5 → population record [0-9a-f]{32}/);
    expect(plain.stdout).toMatch(/fullName\s+\[sealed\]/);
    expect(plain.stdout).toMatch(
      /#0 {2}DatasetRecordUpserted {2}[0-9a-f]{32} {2}\S+ {2}run \S+ {2}cong_dan id=5/,
    );
    expect(plain.stdout).toContain('at ngay_cap_nhat=2025-01-01 08:00:00.000000;id=5');
    expect(plain.stdout).not.toContain(name);
    expect((await connector(['records', 'population-sql', '--key', '9999'])).code).toBe(3);

    const reveal = ['records', 'population-sql', '--key', '5', '--reveal', '--purpose', 'check a conflict'];
    const noToken = await connector(reveal);
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain('--reveal needs an operator token');
    const consumer = await connector(reveal, {
      LIENTHONG_OPERATOR_TOKEN: await token(CONSUMER_AGENCY, 'consumer'),
    });
    expect(consumer.stderr.trim()).toBe(
      'error AUTH_FORBIDDEN: forbidden: showing sealed fields needs the operator role',
    );
    const subject = plain.stdout.match(/subject {3}([0-9a-f]{32})/)![1]!;
    const accesses = () =>
      withStore(async (s) =>
        s.readStream(`access-${subject}`).catch(() => [] as { type: string; data: unknown }[]),
      );
    expect(await accesses()).toEqual([]);

    const operator = await connector(reveal, {
      LIENTHONG_OPERATOR_TOKEN: await token(OPERATOR_AGENCY, 'operator'),
    });
    expect(operator.code, operator.stderr).toBe(0);
    expect(operator.stdout).toContain(`fullName            "${name}"`);
    const [access] = await accesses();
    expect(access).toMatchObject({
      type: 'DataAccessedByOperator',
      data: {
        caller: { agency: OPERATOR_AGENCY, official: 'CB-7', role: 'operator' },
        subject,
        dataset: 'population',
        purpose: 'check a conflict',
        tool: 'connector records',
      },
    });
    expect((access!.data as { fields: string[] }).fields).toContain('fullName');
  }, 120_000);

  it('prints hub options for the next command without a URL’s password, quoted for the shell', () => {
    expect(
      hubArgs({ dataDir: 'data', set: ['url=mariadb://ro:s3cr:et@127.0.0.1:3306/btxh', 'batchSize=10'] }),
    ).toBe('--data-dir data --set url=mariadb://ro:…@127.0.0.1:3306/btxh batchSize=10');
    expect(hubArgs({ dataDir: "/tmp/my data/o'k", config: 'c.json' })).toBe(
      `--data-dir '/tmp/my data/o'\\''k' --config c.json`,
    );
  });

  it('lists an identity conflict and records an operator’s resolution', async () => {
    const db = new Database(sourceFile);
    db.exec(`INSERT INTO cong_dan SELECT 1001, so_dinh_danh, 'Đinh Thị Khác', '2001-12-30', gioi_tinh, dan_toc,
      dia_chi_thuong_tru, ma_xa, ma_huyen, ma_tinh, so_ho, quan_he_chu_ho, '2027-02-01 00:00:00', 0, NULL
      FROM cong_dan WHERE id = 5`);
    db.close();
    const sync = await connector(['sync', 'population-sql', '--set', `url=sqlite:${sourceFile}`, '--quiet']);
    // Row 1001 held; row 97, at the checkpoint, read again by the look-back and rejected as before.
    expect(sync.stdout).toMatch(
      /read 2 \(1 again by the look-back\), upserted 0, unchanged 0, deleted 0, rejected 0, rejected again 1, quarantined 1 /,
    );
    const listed = await connector(['conflicts', 'population-sql']);
    expect(listed.stdout).toContain('population-sql: 1 open identity conflict(s), 0 resolved');
    expect(listed.stdout).toMatch(/differs {2}fullName, dateOfBirth/);
    expect(listed.stdout).toContain('rows     cong_dan id=5  |  cong_dan id=1001');
    const key = listed.stdout.match(/record {3}population ([0-9a-f]{32})/)![1]!;
    expect(listed.stdout).toContain(
      `resolve  npm run connector -- resolve population-sql --data-dir ${dataDir} --key ${key} --keep 5 | --release`,
    );
    expect(listed.stdout).not.toContain('Đinh Thị Khác');

    const both = await connector(['resolve', 'population-sql', '--key', key, '--keep', '5', '--release']);
    expect(both.stderr).toContain('give exactly one of --keep <sourceKey> and --release');
    const resolved = await connector([
      'resolve',
      'population-sql',
      '--key',
      key,
      '--keep',
      '5',
      '--operator',
      'op-9',
      '--set',
      `url=sqlite:${sourceFile}`,
    ]);
    expect(resolved.code, resolved.stderr).toBe(0);
    expect(resolved.stdout).toMatch(/resolved: keep cong_dan id=5\n/);
    // The hint is the exact next commands, with the hub options this one was given; run as printed.
    const hint = resolved.stdout.match(/read again: (npm run connector -- .*)\n/)![1]!;
    const next = hint.split(' && ').map((c) => c.replace('npm run connector -- ', '').split(' '));
    expect(next).toEqual([
      ['reset', 'population-sql', '--data-dir', dataDir, '--set', `url=sqlite:${sourceFile}`],
      ['sync', 'population-sql', '--data-dir', dataDir, '--set', `url=sqlite:${sourceFile}`],
    ]);
    for (const args of next)
      expect((await runScript('connectors/cli/index.ts', args, { PATH: process.env.PATH })).code).toBe(0);
    const all = await connector(['conflicts', 'population-sql', '--all']);
    expect(all.stdout).toContain('population-sql: 0 open identity conflict(s), 1 resolved');
    expect(all.stdout).toMatch(/resolved \S+ by op-9: keep cong_dan id=5/);
  }, 120_000);
});
