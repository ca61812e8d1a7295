import { describe, expect, it } from 'vitest';
import { loadDatasets } from '../../hub/modules/records/index.js';
import { streamLineage } from './lineage.js';
import { loadConnector } from './manifest.js';

const datasets = loadDatasets();
const lineageOf = (name: string) => {
  const loaded = loadConnector(name, datasets);
  return loaded.manifest.streams.map((s, i) => streamLineage(s, loaded.mappings[i]!));
};

describe('streamLineage: what ConnectorRunStarted records of each stream', () => {
  it('names the table of every mapped field and the steps of its rule', () => {
    const [cong_dan] = lineageOf('population-sql');
    expect(cong_dan).toMatchObject({ stream: 'cong_dan', dataset: 'population', tables: ['cong_dan'] });
    expect(cong_dan!.fields).toContainEqual({
      field: 'fullName',
      table: 'cong_dan',
      column: 'ho_ten',
      steps: ['nfc', 'collapseSpaces', 'trim'],
    });
    expect(cong_dan!.fields).toContainEqual({
      field: 'gender',
      table: 'cong_dan',
      column: 'gioi_tinh',
      steps: ['cast:integer', 'values'],
    });
    expect(cong_dan!.uses).toEqual([
      { table: 'cong_dan', column: 'id', use: 'key' },
      { table: 'cong_dan', column: 'ngay_cap_nhat', use: 'cursor' },
      { table: 'cong_dan', column: 'da_xoa', use: 'softDelete' },
    ]);
  });

  it('resolves the aliases of a join to the joined tables', () => {
    const [stream] = lineageOf('social-insurance-sql');
    expect(stream!.tables).toEqual(['nguoi_tham_gia', 'the_bhyt', 'dm_noi_kcb']);
    expect(stream!.fields).toContainEqual({
      field: 'healthInsuranceCardNumber',
      table: 'the_bhyt',
      column: 'so_the',
      steps: ['trim', 'cast:string', 'case:upper'],
    });
    expect(stream!.fields.find((f) => f.field === 'socialInsuranceNumber')).toMatchObject({
      table: 'nguoi_tham_gia',
      column: 'ma_so_bhxh',
    });
    expect(stream!.uses).toContainEqual({ table: 'the_bhyt', column: 'ma_so_bhxh', use: 'join' });
    expect(stream!.uses).toContainEqual({ table: 'nguoi_tham_gia', column: 'ma_so_bhxh', use: 'join' });
    expect(stream!.uses).toContainEqual({ table: 'dm_noi_kcb', column: 'ngay_cap_nhat', use: 'cursor' });
    // no alias is left unresolved
    for (const f of stream!.fields) expect(stream!.tables).toContain(f.table);
  });

  it("names a query's columns after the stream, and no table", () => {
    const [stream] = lineageOf('civil-status-sql');
    expect(stream).toMatchObject({ stream: 'ho_tich', dataset: 'civil-status', tables: [] });
    for (const f of stream!.fields) expect(f.table).toBe('ho_tich');
    expect(stream!.uses.filter((u) => u.use === 'cursor').map((u) => u.column)).toEqual([
      'cap_nhat_khai_sinh',
      'cap_nhat_ket_hon',
      'cap_nhat_khai_tu',
      'cap_nhat_khai_tu_vo_chong',
    ]);
  });
});
