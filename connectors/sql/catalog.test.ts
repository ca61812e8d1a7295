import { describe, expect, it } from 'vitest';
import type { CatalogStream } from '../kit/protocol.js';
import { suggestJoins } from './catalog.js';

const table = (name: string, columns: string[], key: string[], extra: Partial<CatalogStream> = {}) =>
  ({
    name,
    kind: 'table',
    columns: columns.map((c) => ({ name: c, type: 'TEXT', nullable: true })),
    primaryKey: key,
    primaryKeyCandidates: [key],
    cursorCandidates: columns.filter((c) => c.startsWith('ngay_cap_nhat')),
    softDeleteCandidates: [],
    estimatedRows: 0,
    rowsFrom: 'count',
    ...extra,
  }) satisfies CatalogStream;

describe('suggestJoins', () => {
  it('joins a foreign key to its table, and a column named like another primary key when none is declared', () => {
    const streams = [
      table('cong_dan', ['id', 'so_ho', 'ma_xa', 'ngay_cap_nhat'], ['id'], {
        foreignKeys: [
          { name: 'fk_ho', columns: ['so_ho'], references: { table: 'ho_gia_dinh', columns: ['so_ho'] } },
        ],
      }),
      table('ho_gia_dinh', ['so_ho', 'ngay_cap_nhat'], ['so_ho']),
      table('don_vi_hanh_chinh', ['ma_xa', 'ten'], ['ma_xa']),
      { ...table('thuong_tru', ['id', 'so_ho'], []), kind: 'view' as const },
    ];
    expect(suggestJoins(streams)).toEqual([
      {
        table: 'cong_dan',
        alias: 'cd',
        primaryKey: 'id',
        cursorField: 'ngay_cap_nhat',
        joins: [
          {
            table: 'ho_gia_dinh',
            alias: 'hgd',
            kind: 'left',
            on: { so_ho: 'cd.so_ho' },
            cursorField: 'ngay_cap_nhat',
          },
          { table: 'don_vi_hanh_chinh', alias: 'dvhc', kind: 'left', on: { ma_xa: 'cd.ma_xa' } },
        ],
        reasons: [
          'so_ho → ho_gia_dinh.so_ho (foreign key fk_ho)',
          'ma_xa → don_vi_hanh_chinh.ma_xa (same name as the primary key of don_vi_hanh_chinh; no foreign key)',
        ],
      },
    ]);
  });

  it('gives two joins of tables with the same initials different aliases, and skips a key to itself', () => {
    const streams = [
      table('nguoi', ['id', 'cha_id', 'noi_sinh', 'noi_o'], ['id'], {
        foreignKeys: [
          { columns: ['cha_id'], references: { table: 'nguoi', columns: ['id'] } },
          { columns: ['noi_sinh'], references: { table: 'noi_o', columns: ['ma'] } },
          { columns: ['noi_o'], references: { table: 'nha_o', columns: ['ma'] } },
        ],
      }),
      table('noi_o', ['ma'], ['ma']),
      table('nha_o', ['ma'], ['ma']),
    ];
    const [suggestion] = suggestJoins(streams);
    expect(suggestion!.joins.map((j) => [j.table, j.alias])).toEqual([
      ['noi_o', 'no'],
      ['nha_o', 'no2'],
    ]);
  });
});
