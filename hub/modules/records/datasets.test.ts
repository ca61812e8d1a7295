import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SchemaLoadError } from '../../kernel/errors/index.js';
import { tempDir } from '../../testing/temp.js';
import { DATASETS_DIR, loadDatasets } from './datasets.js';

const datasets = loadDatasets();

describe('the shared datasets', () => {
  it('are the seven agreed ones, with their key, data subject and name of one record', () => {
    const summary = Object.fromEntries(
      [...datasets.values()].map((d) => [
        d.name,
        { key: d.key, subject: d.subject?.field, unique: d.subject?.unique, singular: d.singular },
      ]),
    );
    expect(summary).toEqual({
      'business-registry': {
        key: 'enterpriseCode',
        subject: 'representativePersonalId',
        unique: false,
        singular: 'business-registry',
      },
      'civil-status': { key: 'personalId', subject: 'personalId', unique: true, singular: 'civil-status' },
      'driving-licences': {
        key: 'licenceNumber',
        subject: 'personalId',
        unique: true,
        singular: 'driving-licence',
      },
      'judicial-records': {
        key: 'personalId',
        subject: 'personalId',
        unique: true,
        singular: 'judicial-record',
      },
      'land-parcels': { key: 'parcelId', subject: 'ownerPersonalId', unique: false, singular: 'land-parcel' },
      population: { key: 'personalId', subject: 'personalId', unique: true, singular: 'population' },
      'social-insurance': {
        key: 'socialInsuranceNumber',
        subject: 'personalId',
        unique: true,
        singular: 'social-insurance',
      },
    });
  });

  it('mark every field of the new datasets personal, and describe every field', () => {
    for (const name of ['civil-status', 'social-insurance', 'judicial-records', 'driving-licences']) {
      const def = datasets.get(name)!;
      expect([...def.personalFields].sort()).toEqual([...def.fields].sort());
      expect(Object.entries(def.descriptions).filter(([, d]) => d.length < 10)).toEqual([]);
      expect(def.identity.length).toBeGreaterThan(0);
    }
  });

  it('accept well-formed records and name the path of what is wrong', () => {
    const person = { personalId: '001085012345', fullName: 'Trần Văn Nam', dateOfBirth: '1985-03-02' };
    const conviction = {
      judgmentNumber: '45/2019/HS-ST',
      court: 'Tòa án nhân dân quận Đống Đa',
      judgedOn: '2019-11-01',
      offence: 'Trộm cắp tài sản (Điều 173)',
      sentence: '9 tháng tù',
      sentenceCompleted: true,
    };
    const cases: [string, Record<string, unknown>, Record<string, unknown>, string][] = [
      [
        'judicial-records',
        {
          ...person,
          hasCriminalRecord: true,
          convictions: [conviction],
          bannedFromPositions: false,
          updatedOn: '2025-05-01',
        },
        { convictions: [{ ...conviction, judgedOn: '2019-13-01' }] },
        '/convictions/0/judgedOn',
      ],
      [
        'civil-status',
        { ...person, maritalStatus: 'married', deceased: false },
        { maritalStatus: 'engaged' },
        '/maritalStatus',
      ],
      [
        'social-insurance',
        { ...person, socialInsuranceNumber: '0123456789', healthInsuranceCardNumber: 'DN4010123456789' },
        { healthInsuranceCardNumber: 'DN40101234' },
        '/healthInsuranceCardNumber',
      ],
      [
        'driving-licences',
        { ...person, licenceNumber: '010123456789', licenceClass: 'B', issuedOn: '2015-06-01' },
        { licenceClass: 'B2' },
        '/licenceClass',
      ],
    ];
    for (const [name, good, wrong, path] of cases) {
      const def = datasets.get(name)!;
      expect({ name, valid: def.validate(good), errors: def.validate.errors }).toEqual({
        name,
        valid: true,
        errors: null,
      });
      expect(def.validate({ ...good, ...wrong })).toBe(false);
      expect(def.validate.errors?.map((e) => e.instancePath)).toEqual([path]);
    }
  });

  it('refuse a dataset whose x-dataset names what the schema does not hold', () => {
    const tmp = tempDir();
    try {
      const write = (name: string, meta: Record<string, unknown>) =>
        fs.writeFileSync(
          path.join(tmp.dir, `${name}.schema.json`),
          JSON.stringify({
            title: name,
            'x-dataset': meta,
            type: 'object',
            properties: { id: { type: 'string' }, owner: { type: 'string' } },
          }),
        );
      write('boats', { key: 'id', subject: { field: 'owner', kind: 'citizen', unique: 'yes' } });
      expect(() => loadDatasets(tmp.dir)).toThrow(SchemaLoadError);
      expect(() => loadDatasets(tmp.dir)).toThrow(/x-dataset.subject.unique must be a boolean/);
      write('boats', { key: 'id', singular: 'Boat' });
      expect(() => loadDatasets(tmp.dir)).toThrow(/x-dataset.singular must be kebab-case/);
      write('boats', { key: 'id', subject: { field: 'owner', kind: 'citizen' } });
      expect(loadDatasets(tmp.dir).get('boats')).toMatchObject({
        singular: 'boats',
        subject: { field: 'owner', kind: 'citizen', unique: false },
      });
    } finally {
      tmp.remove();
    }
  });

  it('are read from schemas/datasets/', () => {
    expect(fs.readdirSync(DATASETS_DIR).filter((f) => f.endsWith('.schema.json'))).toHaveLength(7);
  });
});
