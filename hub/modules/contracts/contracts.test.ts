import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agenciesDataset } from '../../../demo/seed/agencies.js';
import { contractsDataset } from '../../../demo/seed/contracts.js';
import type { SqliteEventStore } from '../../eventstore/sqlite.js';
import { newCommandMeta } from '../../kernel/decider/index.js';
import { AuthForbiddenError, ContractNotFoundError } from '../../kernel/errors/index.js';
import type { EventStore } from '../../kernel/event-store.js';
import { rebuild, seededStore } from '../../testing/seeded-store.js';
import { tempDir } from '../../testing/temp.js';
import { contractFilesIn, readContractFiles } from './files.js';
import { contractsProjection } from './projection.js';
import { contractVersions, findContracts, getContract } from './queries.js';
import { applyContracts, checkParties, handleContractCommand, revokeContract } from './service.js';

const temp = tempDir();
let raw: SqliteEventStore;
let store: EventStore;
let db: Database.Database;
const actor = { kind: 'operator' as const, id: 'test' };

const project = () => rebuild(db, store, contractsProjection);

function writeContract(name: string, patch: (text: string) => string) {
  const source = fs.readFileSync(
    path.join(contractFilesIn()[0]!.replace(/[^/]+$/, ''), 'c06-to-hanoi-social-assistance.yaml'),
    'utf8',
  );
  const file = path.join(temp.dir, name);
  fs.writeFileSync(file, patch(source));
  return file;
}

beforeAll(async () => {
  ({ raw, store } = await seededStore(temp.dir, [
    agenciesDataset({ dataDir: temp.dir }),
    contractsDataset(),
  ]));
  db = new Database(path.join(temp.dir, 'readmodels.db'));
  await project();
});
afterAll(async () => {
  db.close();
  await raw.close();
  temp.remove();
});

describe('contract files', () => {
  it('accepts the shipped contracts', () => {
    const { contracts, issues } = readContractFiles(contractFilesIn());
    expect(issues).toEqual([]);
    expect(contracts.length).toBeGreaterThanOrEqual(5);
  });

  it('names file, field path and line for every problem', () => {
    const bad = writeContract('bad.yaml', (t) =>
      t
        .replace('fullName, dateOfBirth', 'fullName, shoeSize')
        .replace('consentRequired: true', 'consentRequired: true\nsigner: x'),
    );
    const wrongDataset = writeContract('ds.yaml', (t) =>
      t.replace('dataset: population', 'dataset: cadastre').replace('id: c06', 'id: other-c06'),
    );
    const broken = writeContract('broken.yaml', (t) => t.replace('fields: [', 'fields: [[['));
    const { issues } = readContractFiles([bad, wrongDataset, broken]);
    expect(issues).toEqual(
      expect.arrayContaining([
        { file: bad, path: '/signer', line: 10, message: 'is not allowed' },
        {
          file: wrongDataset,
          path: '/dataset',
          line: 5,
          message: expect.stringContaining('unknown dataset'),
        },
        expect.objectContaining({
          file: broken,
          line: expect.any(Number),
          message: expect.stringMatching(/^YAML/),
        }),
      ]),
    );
    const fieldOnly = writeContract('field.yaml', (t) =>
      t.replace('fullName, dateOfBirth', 'fullName, shoeSize'),
    );
    expect(readContractFiles([fieldOnly]).issues).toEqual([
      { file: fieldOnly, path: '/fields/1', line: 6, message: 'shoeSize is not a field of population' },
    ]);
  });

  it('checks the parties against the agency registry', async () => {
    const file = writeContract('parties.yaml', (t) =>
      t.replace('consumer: 000.00.00.H26', 'consumer: 000.00.00.G17'),
    );
    const [contract] = readContractFiles([file]).contracts;
    expect(await checkParties(store, contract!)).toEqual([
      {
        file,
        path: '/consumer',
        line: 4,
        message: 'agency 000.00.00.G17 is not registered for role consumer',
      },
    ]);
  });
});

describe('contracts', () => {
  it('seeds versioned contracts; finds those in force for a consumer, dataset and day', () => {
    const inForce = findContracts(db, { consumer: '000.04.01.H26', dataset: 'population', on: '2026-03-01' });
    expect(inForce.map((c) => [c.contractId, c.version, c.consentRequired])).toEqual([
      ['c06-to-ba-dinh-birth-registration', 1, false],
      ['c06-to-ba-dinh-civil-procedures', 1, false],
      ['c06-to-ba-dinh-permanent-residence', 1, true],
    ]);
    expect(findContracts(db, { consumer: '001.00.00.H26', on: '2026-03-01' })).toEqual([]);
    expect(findContracts(db, { consumer: '001.00.00.H26', on: '2025-06-30' })).toHaveLength(1);
    expect(findContracts(db, { consumer: '000.70.01.H26', on: '2025-12-01' })).toEqual([]);
    expect(getContract(db, 'c06-to-hoan-kiem-pilot')).toMatchObject({
      status: 'revoked',
      revocation: { revokedOn: '2026-01-05' },
    });
    expect(
      findContracts(db, { purpose: 'tthc-1.001193', on: '2026-03-01' }).map((c) => [c.consumer, c.dataset]),
    ).toEqual([
      ['000.04.01.H26', 'population'],
      ['000.08.01.H26', 'population'],
      ['000.04.01.H26', 'civil-status'],
    ]);
  });

  it('amends as a new version, keeps every version, and is idempotent', async () => {
    const amended = writeContract('amend.yaml', (t) => t.replace('requests: 60,', 'requests: 120,'));
    const [contract] = readContractFiles([amended]).contracts;
    expect((await applyContracts(store, [contract!], { actor }))[0]!.changes).toEqual(['amended v2']);
    expect((await applyContracts(store, [contract!], { actor }))[0]!.changes).toEqual([]);
    await project();
    expect(getContract(db, 'c06-to-hanoi-social-assistance')).toMatchObject({
      version: 2,
      rateLimit: { requests: 120 },
    });
    expect(getContract(db, 'c06-to-hanoi-social-assistance', 1)).toMatchObject({
      version: 1,
      rateLimit: { requests: 60 },
    });
    expect(contractVersions(db, 'c06-to-hanoi-social-assistance').map((c) => c.sourceEventId)).toHaveLength(
      2,
    );
    const events = await store.readStream('contract-c06-to-hanoi-social-assistance');
    expect(events.map((e) => e.type)).toEqual(['ContractRegistered', 'ContractAmended']);
  });

  it('revokes with a reason; a revoked contract cannot be amended', async () => {
    const meta = newCommandMeta({ actor, correlationId: 'c' });
    const revocation = { contractId: 'c06-to-ngoc-ha-birth-registration', revokedOn: '2026-02-01' };
    await expect(
      handleContractCommand(store, { type: 'RevokeContract', data: { ...revocation, reason: ' ' }, meta }),
    ).rejects.toThrow(/reason/);
    const refuse = () => {
      throw new AuthForbiddenError('not the provider');
    };
    await expect(
      revokeContract(store, { ...revocation, reason: 'Hết nhu cầu' }, meta, refuse),
    ).rejects.toThrow(AuthForbiddenError);
    const revoked = await revokeContract(store, { ...revocation, reason: 'Hết nhu cầu' }, meta, (state) =>
      expect(state.status).toBe('active'),
    );
    expect(revoked.state).toMatchObject({
      status: 'revoked',
      revocation: { reason: 'Hết nhu cầu', version: 1 },
    });
    await project();
    expect(findContracts(db, { consumer: '000.08.01.H26', on: '2026-03-01' })).toEqual([]);
    expect(getContract(db, 'c06-to-ngoc-ha-birth-registration')?.status).toBe('revoked');
    await expect(
      revokeContract(store, { contractId: 'nope', revokedOn: '2026-02-01', reason: 'x' }, meta),
    ).rejects.toBeInstanceOf(ContractNotFoundError);
  });
});
