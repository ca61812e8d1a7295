import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubjectErasedError } from '../../kernel/errors/index.js';
import { AGENCIES, startTestHub, type TestHub } from '../../testing/hub.js';
import { tempDir } from '../../testing/temp.js';
import { ConsentReadModel } from '../consent/index.js';
import { getRecord, loadDatasets, openRecord, recordsProjection } from '../records/index.js';

const population = loadDatasets().get('population')!;
const temp = tempDir();
let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ citizens: 6, dir: temp.dir });
}, 60_000);
afterAll(async () => {
  await hub?.close().catch(() => undefined);
  temp.remove();
});

const plaintextOf = (citizen: Record<string, unknown>) => [
  String(citizen.personalId),
  String(citizen.fullName),
  String(citizen.dateOfBirth),
  (citizen.permanentResidence as { address: string }).address,
];

/** Every SQLite database file and WAL in the data directory, and which of `needles` each holds. */
function scan(dir: string, needles: (string | Buffer)[]): Record<string, number[]> {
  const found: Record<string, number[]> = {};
  const files = fs.readdirSync(dir).filter((f) => /\.db(-wal|-shm|-journal)?$/.test(f));
  expect(files).toEqual(expect.arrayContaining(['events.db', 'readmodels.db', 'keys.db']));
  for (const file of files) {
    const bytes = fs.readFileSync(path.join(dir, file));
    const hits = needles.flatMap((n, i) =>
      bytes.includes(typeof n === 'string' ? Buffer.from(n) : n) ? [i] : [],
    );
    if (hits.length > 0) found[file] = hits;
  }
  return found;
}

/** Erases a citizen as an operator of the hub CLI would. */
const erase = (personalId: string) => hub.erase(personalId);

const PERSON = (pid: string) =>
  `{ person(personalId: "${pid}", purpose: "tthc-1.001193") { personalId fullName dateOfBirth permanentResidence { address } } }`;

describe('erase subject', () => {
  it("crypto-shreds one citizen: no database file holds their data or key, the others' data still opens, the log verifies and replays", async () => {
    const [victim, ...others] = hub.citizens;
    const subject = hub.pseudonymize('citizen', String(victim!.personalId));
    const consumer = await hub.token(AGENCIES.baDinh, 'consumer');
    const portal = await hub.token(AGENCIES.portal, 'citizen-portal', {
      citizenPid: String(victim!.personalId),
    });
    await hub.gql(
      portal,
      `mutation { grantConsent(input: { consumer: "${AGENCIES.baDinh}", purposes: ["tthc-1.004194"],
      scope: [{ dataset: "population", fields: ["fullName"] }], validUntil: "2099-01-01T00:00:00Z" }) { receipt } }`,
    );
    expect((await hub.gql(consumer, PERSON(String(victim!.personalId)))).data).toEqual({
      person: {
        personalId: victim!.personalId,
        fullName: victim!.fullName,
        dateOfBirth: victim!.dateOfBirth,
        permanentResidence: { address: (victim!.permanentResidence as { address: string }).address },
      },
    });
    const keysDb = new Database(path.join(hub.dir, 'keys.db'), { readonly: true });
    const wrapped = (
      keysDb.prepare('SELECT wrapped FROM subject_keys WHERE subject = ?').get(subject) as { wrapped: Buffer }
    ).wrapped;
    keysDb.close();
    expect(Object.keys(scan(hub.dir, [wrapped])).some((f) => f.startsWith('keys.db'))).toBe(true);
    expect(new ConsentReadModel(hub.db).ofSubject(subject)).toHaveLength(1);

    const result = await erase(String(victim!.personalId));
    expect(result).toEqual({
      subject,
      keyDeleted: true,
      dropped: { records: 1, consents: 1 },
      recorded: true,
    });

    expect(scan(hub.dir, [...plaintextOf(victim!), wrapped])).toEqual({});
    for (const file of ['readmodels.db-wal', 'keys.db-wal']) {
      const wal = path.join(hub.dir, file);
      if (fs.existsSync(wal)) expect(fs.statSync(wal).size).toBe(0);
    }
    const [erased] = await hub.raw.readStream(`erasure-${subject}`);
    expect(erased).toMatchObject({ type: 'SubjectErased', data: { subject, keyDeleted: true } });
    expect(JSON.stringify(erased)).not.toContain(String(victim!.personalId));

    expect((await hub.gql(consumer, PERSON(String(victim!.personalId)))).data).toEqual({ person: null });
    for (const citizen of others) {
      const res = await hub.gql(consumer, PERSON(String(citizen.personalId)));
      expect((res.data!.person as { fullName: string }).fullName).toBe(citizen.fullName);
    }

    expect(hub.raw.integrityCheck()).toEqual(['ok']);
    const replay = new Database(':memory:');
    const handler = recordsProjection.open(replay);
    for (const event of await hub.raw.readAll({ filter: recordsProjection.filter })) handler.apply(event);
    // The log still holds the victim's (now unreadable) record event; a rebuilt read model applies the
    // SubjectErased event after it and so never brings the row back.
    const [sealedEvent] = await hub.raw.readStream(`record-population-${subject}`);
    expect(sealedEvent?.type).toBe('DatasetRecordUpserted');
    expect(() => hub.keys.find(subject)).toThrow(SubjectErasedError);
    expect(getRecord(replay, 'population', subject)).toBeUndefined();
    for (const citizen of others) {
      const row = getRecord(replay, 'population', hub.pseudonymize('citizen', String(citizen.personalId)))!;
      expect(openRecord(population, row, hub.keys).values).toEqual(citizen);
    }
    replay.close();

    const again = await erase(String(victim!.personalId));
    expect(again).toMatchObject({ keyDeleted: false, recorded: false, dropped: { records: 0, consents: 0 } });
  });

  it('is an operator command: npm run hub -- erase subject --personal-id …', async () => {
    await hub.close();
    const citizen = hub.citizens[1]!;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'hub/cli.ts',
        '--data-dir',
        hub.dir,
        'erase',
        'subject',
        '--personal-id',
        String(citizen.personalId),
      ],
      { env: { ...process.env, LIENTHONG_DATA_DIR: '' } },
    );
    const subject = hub.pseudonymize('citizen', String(citizen.personalId));
    expect(JSON.parse(stdout)).toEqual({
      subject,
      keyDeleted: true,
      dropped: { records: 1, consents: 0 },
      recorded: true,
    });
    expect(scan(hub.dir, plaintextOf(citizen))).toEqual({});
  }, 60_000);
});
