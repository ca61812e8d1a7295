import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintDemoToken } from '../../../demo/keys.js';
import { agenciesDataset } from '../../../demo/seed/agencies.js';
import { createAuthenticator } from '../../auth/authenticator.js';
import { agencyLookupFromDb } from '../../auth/lookup.js';
import type { SqliteEventStore } from '../../eventstore/sqlite.js';
import { fixedClock } from '../../kernel/clock.js';
import { newCommandMeta } from '../../kernel/decider/index.js';
import {
  AgencyNotFoundError,
  AgencyStateError,
  AuthForbiddenError,
  InvalidDocumentError,
} from '../../kernel/errors/index.js';
import type { EventStore } from '../../kernel/event-store.js';
import { rebuild, seededStore } from '../../testing/seeded-store.js';
import { tempDir } from '../../testing/temp.js';
import { ensureDemoOrganCredentials } from '../exchange/pki/index.js';
import { readAgencyFile } from './files.js';
import { agenciesProjection } from './projection.js';
import { agencyInForce, certificatesOf, getAgency, listAgencies, resolveSuccessor } from './queries.js';
import { registerOrUpdateAgency, retireAgency } from './service.js';

const temp = tempDir();
let raw: SqliteEventStore;
let store: EventStore;
let db: Database.Database;
const meta = () =>
  newCommandMeta(
    { actor: { kind: 'operator', id: 't' }, correlationId: 'c' },
    fixedClock('2026-01-02T03:04:05Z'),
  );

const project = () => rebuild(db, store, agenciesProjection);

beforeAll(async () => {
  ({ raw, store } = await seededStore(temp.dir, [agenciesDataset({ dataDir: temp.dir })]));
  db = new Database(path.join(temp.dir, 'readmodels.db'));
  await project();
});
afterAll(async () => {
  db.close();
  await raw.close();
  temp.remove();
});

describe('agency registry', () => {
  it('seeds the demo agencies with public keys only; private keys stay in the data dir, mode 0600', async () => {
    const c06 = getAgency(db, '000.06.00.G08')!;
    expect(c06).toMatchObject({ level: 'central', parentOrganCode: '000.00.00.G08', roles: ['provider'] });
    const logged = JSON.stringify(await store.readAll());
    expect(logged).not.toMatch(/"d":/);
    const file = path.join(temp.dir, 'demo-keys', '000.06.00.G08.jwk');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).d).toBeTruthy();
  });

  it('answers which agencies are in force, before and after the district tier ended', () => {
    expect(agencyInForce(db, '001.00.00.H26', '2025-06-30')?.level).toBe('district');
    expect(agencyInForce(db, '001.00.00.H26', '2025-07-01')).toBeUndefined();
    expect(listAgencies(db, { onDate: '2025-06-30', level: 'commune' })).toEqual([]);
    expect(
      listAgencies(db, { onDate: '2025-07-01', level: 'commune', parentOrganCode: '000.00.00.H26' }).map(
        (a) => a.organCode,
      ),
    ).toEqual(['000.04.01.H26', '000.08.01.H26', '000.70.01.H26']);
  });

  it('resolves a retired agency to its successor, recording the hop', () => {
    expect(resolveSuccessor(db, '001.00.00.H26', '2026-01-01')).toMatchObject({
      agency: { organCode: '000.04.01.H26' },
      hops: [{ from: '001.00.00.H26', to: '000.04.01.H26', on: '2025-07-01' }],
    });
    expect(resolveSuccessor(db, '001.00.00.H26', '2025-01-01')).toMatchObject({
      agency: { organCode: '001.00.00.H26' },
      hops: [],
    });
    expect(() => resolveSuccessor(db, '999.99.99.H99', '2026-01-01')).toThrow(AgencyNotFoundError);
  });

  it('authenticates a demo token against the registry; refuses the retired district', async () => {
    const authenticate = createAuthenticator({
      agencies: agencyLookupFromDb(db),
      audience: 'urn:lienthong:hub',
    });
    const token = await mintDemoToken({
      dataDir: temp.dir,
      agency: '000.04.01.H26',
      role: 'consumer',
      official: 'CB-1',
      audience: 'urn:lienthong:hub',
    });
    expect(await authenticate(`Bearer ${token}`)).toMatchObject({
      agency: '000.04.01.H26',
      role: 'consumer',
      official: 'CB-1',
    });
    const provider = await mintDemoToken({
      dataDir: temp.dir,
      agency: '000.04.01.H26',
      role: 'provider',
      official: 'CB-1',
      audience: 'urn:lienthong:hub',
    });
    await expect(authenticate(`Bearer ${provider}`)).rejects.toBeInstanceOf(AuthForbiddenError);
    const district = await mintDemoToken({
      dataDir: temp.dir,
      agency: '001.00.00.H26',
      role: 'consumer',
      official: 'CB-2',
      audience: 'urn:lienthong:hub',
    });
    await expect(authenticate(`Bearer ${district}`)).rejects.toThrow(/not in force/);
  });

  it('registers, updates and retires through commands; checks the successor exists', async () => {
    const agency = {
      ...getAgency(db, '000.70.01.H26')!,
      organCode: '000.99.01.H26',
      name: 'UBND Phường Thử',
    };
    const { issuer: _i, status: _s, revision: _r, ...descriptor } = agency;
    expect((await registerOrUpdateAgency(store, descriptor, meta())).map((e) => e.type)).toEqual([
      'AgencyRegistered',
    ]);
    expect(await registerOrUpdateAgency(store, descriptor, meta())).toEqual([]);
    expect(
      (await registerOrUpdateAgency(store, { ...descriptor, roles: ['consumer', 'provider'] }, meta())).map(
        (e) => e.type,
      ),
    ).toEqual(['AgencyUpdated']);
    await expect(
      retireAgency(
        store,
        { organCode: '000.99.01.H26', validUntil: '2026-01-01', successorOrganCode: '555.55.55.H55' },
        meta(),
      ),
    ).rejects.toBeInstanceOf(AgencyNotFoundError);
    await expect(
      retireAgency(
        store,
        { organCode: '000.99.01.H26', validUntil: '2026-01-01', successorOrganCode: '001.00.00.H26' },
        meta(),
      ),
    ).rejects.toBeInstanceOf(AgencyStateError);
    await retireAgency(
      store,
      { organCode: '000.99.01.H26', validUntil: '2026-01-01', successorOrganCode: '000.70.01.H26' },
      meta(),
    );
    await project();
    expect(getAgency(db, '000.99.01.H26')).toMatchObject({
      status: 'retired',
      successorOrganCode: '000.70.01.H26',
      revision: 2,
    });
  });

  it('reports agency-file errors with file, path and line', () => {
    const text =
      'agencies:\n  - organCode: 000.1.H26\n    name: X\n    level: ward\n    roles: [consumer]\n    keys: demo\n    validFrom: "2025-07-01"\n';
    try {
      readAgencyFile('bad.yaml', text);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidDocumentError);
      expect((err as InvalidDocumentError).issues).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ file: 'bad.yaml', path: '/agencies/0/organCode', line: 2 }),
          expect.objectContaining({ path: '/agencies/0/level', line: 4 }),
        ]),
      );
    }
  });

  it('registers demo certificates from the demo CA with an update; keys stay in the data dir, mode 0600', async () => {
    const [pem, ...more] = certificatesOf(db, '000.06.00.G08');
    expect(more).toEqual([]);
    const certificate = new X509Certificate(pem!);
    expect(certificate.subject).toContain('serialNumber=000.06.00.G08');
    const ca = new X509Certificate(fs.readFileSync(path.join(temp.dir, 'demo-ca', 'ca.pem')));
    expect(certificate.checkIssued(ca) && certificate.verify(ca.publicKey)).toBe(true);
    expect(fs.statSync(path.join(temp.dir, 'demo-keys', '000.06.00.G08.x509.key.pem')).mode & 0o777).toBe(
      0o600,
    );
    expect(JSON.stringify(await store.readAll())).not.toContain('PRIVATE KEY');
    const events = await store.readStream('agency-000.06.00.G08');
    expect(events.map((e) => [e.type, 'certificates' in (e.data as object)])).toEqual([
      ['AgencyRegistered', false],
      ['AgencyUpdated', true],
    ]);
    expect(certificatesOf(db, '001.00.00.H26')).toEqual([]);
    expect(certificatesOf(db, '999.99.99.H99')).toEqual([]);
  });

  it('rotates certificates by an update with the new list', async () => {
    const { issuer: _i, status: _s, revision: _r, ...descriptor } = getAgency(db, '000.08.01.H26')!;
    const next = await ensureDemoOrganCredentials(path.join(temp.dir, 'next'), {
      organCode: '000.08.01.H26',
      name: descriptor.name,
    });
    const certificates = [...descriptor.certificates!, next.certificatePem];
    const events = await registerOrUpdateAgency(store, { ...descriptor, certificates }, meta());
    expect(events.map((e) => e.type)).toEqual(['AgencyUpdated']);
    await project();
    expect(certificatesOf(db, '000.08.01.H26')).toEqual(certificates);
  });

  it('refuses an agency-file certificate that is not one', () => {
    const text = `agencies:
  - organCode: 000.98.01.H26
    name: X
    level: commune
    roles: [consumer]
    keys: demo
    certificates:
      - |
        -----BEGIN CERTIFICATE-----
        AAAA
        -----END CERTIFICATE-----
    validFrom: "2025-07-01"
`;
    expect(() => readAgencyFile('bad.yaml', text)).toThrow(
      /\/agencies\/0\/certificates\/0.*not an X\.509 certificate/,
    );
  });

  it('adds the certificates column to a read model of version 1 (then rebuilt by the runner)', async () => {
    const old = new Database(':memory:');
    old.exec(`CREATE TABLE agencies (organ_code TEXT PRIMARY KEY, name TEXT NOT NULL, english_name TEXT,
      level TEXT NOT NULL, parent_organ_code TEXT, admin_unit_id TEXT, roles TEXT NOT NULL, keys TEXT NOT NULL,
      issuer TEXT NOT NULL, valid_from TEXT NOT NULL, valid_until TEXT, status TEXT NOT NULL,
      successor_organ_code TEXT, retired_reason TEXT, revision INTEGER NOT NULL)`);
    const handler = agenciesProjection.open(old);
    for (const event of await store.readStream('agency-000.06.00.G08')) handler.apply(event);
    expect(certificatesOf(old, '000.06.00.G08')).toEqual(certificatesOf(db, '000.06.00.G08'));
    old.close();
  });
});
