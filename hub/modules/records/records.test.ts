import { randomBytes } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEventValidator } from '../../events/validator.js';
import { SubjectErasedError } from '../../kernel/errors/index.js';
import { buildMetadata } from '../../kernel/metadata.js';
import { SubjectKeyStore } from '../../privacy/key-store.js';
import { createPseudonymizer } from '../../privacy/pseudonym.js';
import { tempDir } from '../../testing/temp.js';
import { buildDelete, buildUpsert, deriveVersionKey, type RecordSealing } from './build.js';
import { loadDatasets } from './datasets.js';
import { eraseSubjectRecords, getRecord, recordsProjection, recordVersions } from './projection.js';
import { openRecord } from './read.js';

const citizen = {
  personalId: '001099012345',
  fullName: 'Nguyễn Thị Hoà',
  dateOfBirth: '1999-04-30',
  gender: 'female',
  ethnicity: 'Kinh',
  permanentResidence: { address: 'Số 5 Phố Quán Thánh', communeCode: '00004', provinceCode: '01' },
  household: { householdId: 'HN-000123', relationToHead: 'child' },
};

describe('shared dataset records', () => {
  let tmp: ReturnType<typeof tempDir>;
  let sealing: RecordSealing;
  const population = loadDatasets().get('population')!;
  const metadata = buildMetadata({
    occurredAt: '2026-11-01T00:00:00Z',
    actor: { kind: 'connector', id: 'population-sql' },
    correlationId: '6f1c1d7e-4b7a-4f57-9f0c-5d3f3b1f0a11',
    source: {
      connector: 'population-sql',
      runId: 'r1',
      system: 'postgres',
      table: 'citizens',
      primaryKey: { id: 7 },
      fetchedAt: '2026-11-01T00:00:00Z',
    },
  });
  beforeEach(() => {
    tmp = tempDir();
    const secret = randomBytes(32);
    sealing = {
      pseudonymize: createPseudonymizer(secret),
      versionKey: deriveVersionKey(secret),
      keys: new SubjectKeyStore(path.join(tmp.dir, 'keys.db'), randomBytes(32)),
    };
  });
  afterEach(() => {
    sealing.keys.close();
    tmp.remove();
  });

  it('reads the population dataset definition with its personal fields', () => {
    expect(population.key).toBe('personalId');
    expect(population.subject).toEqual({ field: 'personalId', kind: 'citizen', unique: true });
    expect([...population.personalFields]).toContain('fullName');
    expect(population.validate(citizen)).toBe(true);
    expect(population.validate({ ...citizen, personalId: '123' })).toBe(false);
    expect(population.validate.errors?.[0]?.instancePath).toBe('/personalId');
  });

  it('builds a valid, sealed, deterministic upsert event with no plaintext personal data', () => {
    const a = buildUpsert(population, citizen, { sealing, previousVersion: null, metadata });
    const b = buildUpsert(population, { ...citizen }, { sealing, previousVersion: null, metadata });
    expect(a.event.id).toBe(b.event.id);
    expect(a.version).toBe(b.version);
    createEventValidator().validate(a.event);
    const json = JSON.stringify(a);
    for (const plain of ['001099012345', 'Nguyễn', 'Quán Thánh', '1999-04-30'])
      expect(json).not.toContain(plain);
    expect(a.stream).toBe(`record-population-${a.event.data.subject}`);
    const changed = buildUpsert(
      population,
      { ...citizen, ethnicity: 'Tày' },
      { sealing, previousVersion: a.version, metadata },
    );
    expect(changed.version).not.toBe(a.version);
    const back = buildUpsert(population, citizen, { sealing, previousVersion: changed.version, metadata });
    expect(back.event.id).not.toBe(a.event.id);
  });

  it('projects records with their source event, opens them, and forgets an erased subject', () => {
    const db = new Database(':memory:');
    const handler = recordsProjection.open(db);
    const up = buildUpsert(population, citizen, { sealing, previousVersion: null, metadata });
    handler.apply({
      ...up.event,
      stream: up.stream,
      revision: 0,
      position: 1,
      recordedAt: '2026-11-01T00:00:01Z',
    });
    const row = getRecord(db, 'population', up.event.data.recordKey)!;
    expect(row.eventId).toBe(up.event.id);
    expect(row.source).toMatchObject({ table: 'citizens', primaryKey: { id: 7 } });
    expect(openRecord(population, row, sealing.keys).values).toEqual(citizen);
    expect(recordVersions(db, 'population').get(up.event.data.recordKey)).toBe(up.version);

    const del = buildDelete(
      {
        dataset: 'population',
        recordKey: row.recordKey,
        subject: row.subject,
        previousVersion: up.version,
        reason: 'deleted-at-source',
      },
      metadata,
    );
    createEventValidator().validate(del.event);
    handler.apply({
      ...del.event,
      stream: del.stream,
      revision: 1,
      position: 2,
      recordedAt: '2026-11-01T00:00:02Z',
    });
    expect(recordVersions(db, 'population').get(row.recordKey)).toBeNull();

    sealing.keys.erase(row.subject!);
    expect(() => openRecord(population, row, sealing.keys)).toThrow(SubjectErasedError);
    expect(eraseSubjectRecords(db, row.subject!)).toBe(1);
    expect(getRecord(db, 'population', row.recordKey)).toBeUndefined();
  });
});
