import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SchemaLoadError } from '../../kernel/errors/index.js';
import { buildMetadata } from '../../kernel/metadata.js';
import { tempDir } from '../../testing/temp.js';
import { buildUpsert, sealingFor } from './build.js';
import { loadDatasets } from './datasets.js';
import { QUALITY_DEFAULTS } from './quality.js';

const datasets = loadDatasets();
const tmp = tempDir();
const sealing = sealingFor(
  { pseudonymSecret: randomBytes(32), masterKey: randomBytes(32) },
  path.join(tmp.dir, 'k.db'),
);
afterAll(() => {
  sealing.keys.close();
  tmp.remove();
});

const metadata = buildMetadata({
  occurredAt: '2026-12-01T00:00:00.000Z',
  actor: { kind: 'connector', id: 'c' },
  correlationId: 'r',
});
const person = { personalId: '001085012345', fullName: 'Trần Văn Nam', dateOfBirth: '1985-03-02' };
/** An enterprise whose legal representative is `person`. */
const enterprise = {
  enterpriseCode: '0101234567',
  name: 'Công ty A',
  legalForm: 'llc',
  status: 'active',
  representativeName: person.fullName,
  representativePersonalId: person.personalId,
};
const upsert = (dataset: string, record: Record<string, unknown>) =>
  buildUpsert(datasets.get(dataset)!, record, { sealing, previousVersion: null, metadata }).event.data;

/** A dataset file `boats` with this `x-dataset.quality`. */
function boats(quality: unknown): void {
  fs.writeFileSync(
    path.join(tmp.dir, 'boats.schema.json'),
    JSON.stringify({
      title: 'boats',
      'x-dataset': { key: 'id', subject: { field: 'owner', kind: 'citizen' }, identity: ['name'], quality },
      type: 'object',
      required: ['id', 'owner'],
      properties: {
        id: { type: 'string' },
        owner: { type: 'string', 'x-personal': true },
        name: { type: 'string', 'x-personal': true },
        port: { type: 'string' },
      },
    }),
  );
}

describe('x-dataset.quality', () => {
  it('gives every dataset its thresholds, defaults where the file says nothing', () => {
    expect(datasets.get('driving-licences')!.quality).toMatchObject({
      ...QUALITY_DEFAULTS,
      compare: { fullName: 'fullName', dateOfBirth: 'dateOfBirth' },
    });
    expect(datasets.get('land-parcels')!.quality).toMatchObject({
      maxSourceLagHours: null,
      compare: { ownerName: 'fullName' },
    });
    boats(undefined);
    const defaults = loadDatasets(tmp.dir).get('boats')!.quality;
    expect(defaults).toMatchObject({ ...QUALITY_DEFAULTS, compare: { name: 'name' }, minOptionalShare: {} });
  });

  it('refuses settings that break their schema or name fields the dataset does not have as they must be', () => {
    const refused = (quality: unknown) => {
      boats(quality);
      try {
        loadDatasets(tmp.dir);
      } catch (e) {
        expect(e).toBeInstanceOf(SchemaLoadError);
        return (e as Error).message;
      }
      return 'loaded';
    };
    expect(refused({ correct: { minValidShare: 1.5 } })).toMatch(
      /x-dataset.quality.correct.minValidShare: must/,
    );
    expect(refused({ live: { maxSyncAgeHours: 0 } })).toMatch(/x-dataset.quality.live.maxSyncAgeHours/);
    expect(refused({ clean: { extra: 1 } })).toMatch(
      /x-dataset.quality.clean: must NOT have additional properties/,
    );
    expect(refused({ complete: { minOptionalShare: { hull: 0.5 } } })).toMatch(
      /hull is not a field of the dataset/,
    );
    expect(refused({ complete: { minOptionalShare: { owner: 0.5 } } })).toMatch(
      /owner is required, not optional/,
    );
    expect(refused({ complete: { untracked: ['port'] } })).toMatch(/port is not personal/);
    expect(refused({ complete: { untracked: ['name'], minOptionalShare: { name: 0.5 } } })).toMatch(
      /name has a threshold/,
    );
    expect(refused({ clean: { compare: { owner: 'owner' } } })).toMatch(/owner is the subject field/);
    expect(refused({ live: { maxSourceLagHours: null }, clean: { compare: { name: 'fullName' } } })).toBe(
      'loaded',
    );
  });
});

describe('what record events carry for data quality', () => {
  it('name the optional personal fields a record holds, never the untracked ones, and no value', () => {
    const population = upsert('population', { ...person, gender: 'male', ethnicity: 'Kinh' });
    expect(population.present).toEqual(['ethnicity']);
    const civil = upsert('civil-status', {
      ...person,
      maritalStatus: 'married',
      spouseName: 'Lê Thị Hoa',
      deceased: true,
      dateOfDeath: '2026-01-01',
      placeOfBirth: 'Hà Nội',
    });
    // the spouse and the death are untracked: their presence would tell what the sealed value hides
    expect(civil.present).toEqual(['placeOfBirth']);
    // a dataset with no optional personal field names none
    expect(upsert('business-registry', enterprise).present).toBeUndefined();
  });

  it('digest one person’s equal values alike across datasets, other people’s otherwise', () => {
    const a = upsert('population', { ...person, gender: 'male' }).digests!;
    const b = upsert('social-insurance', {
      ...person,
      fullName: '  TRẦN   văn nam',
      socialInsuranceNumber: '0123456789',
    }).digests!;
    const business = upsert('business-registry', enterprise).digests!;
    expect(Object.keys(a)).toEqual(['fullName', 'dateOfBirth']);
    expect(b).toEqual(a);
    expect(business).toEqual({ fullName: a.fullName });
    const other = upsert('population', { ...person, personalId: '001085099999', gender: 'male' }).digests!;
    expect(other.fullName).not.toBe(a.fullName);
    expect(other.dateOfBirth).not.toBe(a.dateOfBirth);
    const changed = upsert('population', { ...person, dateOfBirth: '1985-03-03', gender: 'male' }).digests!;
    expect(changed.dateOfBirth).not.toBe(a.dateOfBirth);
    expect(JSON.stringify(a)).not.toContain('1985');
  });
});
