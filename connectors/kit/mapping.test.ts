import { afterAll, describe, expect, it } from 'vitest';
import { loadDatasets } from '../../hub/modules/records/index.js';
import { tempDir } from '../../hub/testing/temp.js';
import { compileMapping, type FieldRule } from './mapping.js';
import { populationLoadIssues } from './testing.js';

const def = loadDatasets().get('population')!;
const mapper = (personalId: FieldRule, fullName: FieldRule = { from: 'name' }) =>
  compileMapping(
    {
      dataset: 'population',
      fields: {
        personalId,
        fullName,
        dateOfBirth: { from: 'born', cast: 'date' },
        gender: { from: 'g', values: { '1': 'male' } },
      },
    },
    def,
    Buffer.alloc(32),
  );
const row = (id: unknown, name = 'Lê Thị Hoa') => ({ id, name, born: '1987-02-03', g: '1' });

describe('remove: characters deleted from a value, after trim and before cast', () => {
  it('turns IDs typed in groups into the 12 digits the dataset takes', () => {
    const map = mapper({ from: 'id', trim: true, remove: ' .-', cast: 'string' });
    for (const typed of ['001 052 007731', ' 001.052.007731 ', '001-052-007731', '001052007731'])
      expect(map(row(typed)).record?.personalId, typed).toBe('001052007731');
    expect(mapper({ from: 'id', trim: true, cast: 'string' })(row('001 052 007731')).issues).toEqual([
      { path: '/personalId', message: 'must match pattern "^[0-9]{12}$"' },
    ]);
  });

  it('runs before the cast: an integer typed with separators casts', () => {
    const map = compileMapping(
      {
        dataset: 'population',
        fields: {
          personalId: { from: 'id' },
          fullName: { from: 'name' },
          dateOfBirth: { from: 'born', cast: 'date' },
          gender: { from: 'g', remove: ' ', cast: 'integer', values: { '1': 'male' } },
        },
      },
      def,
      Buffer.alloc(32),
    );
    expect(map({ ...row('001052007731'), g: ' 1 ' }).record?.gender).toBe('male');
  });
});

describe('case title', () => {
  it('upper-cases each word’s first letter and lower-cases the rest, by Vietnamese rules', () => {
    const map = mapper(
      { from: 'id' },
      { from: 'name', nfc: true, collapseSpaces: true, trim: true, case: 'title' },
    );
    const name = (n: string) => map(row('001052007731', n)).record?.fullName;
    expect(name('LÊ THỊ THẢO')).toBe('Lê Thị Thảo');
    expect(name(' ĐINH   VĂN  ĐỨC '.normalize('NFD'))).toBe('Đinh Văn Đức');
    expect(name('nguyễn thị ánh')).toBe('Nguyễn Thị Ánh');
  });
});

describe('remove and case are checked when the connector loads, by mapping field path', () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());
  const load = (name: string, rule: Record<string, unknown>) =>
    populationLoadIssues(tmp.dir, name, {
      personalId: { from: 'so_dinh_danh', ...rule },
      fullName: { from: 'ho_ten', case: 'title' },
    });
  it('accepts remove as a string and case title; names the field of a wrong one', () => {
    expect(load('ok', { remove: ' .-' })).toEqual([]);
    const at = '/streams/0/mapping(mapping.json)/fields/personalId';
    expect(JSON.stringify(load('bad-remove', { remove: [' '] }))).toContain(`${at}/remove`);
    expect(JSON.stringify(load('bad-case', { case: 'camel' }))).toContain(`${at}/case`);
  });
});
