import type { SourceDataset } from './ddl.js';
import { decodePersonalId } from './identifiers.js';

export type SourceDefect =
  | 'soft-deleted'
  | 'decomposed-name'
  | 'padded-name'
  | 'invalid-id'
  | 'missing-required';

const PERSON_COLUMNS: Record<SourceDataset, { name: string; id: string; required: string[] }> = {
  population: { name: 'ho_ten', id: 'so_dinh_danh', required: ['ho_ten', 'ngay_sinh', 'gioi_tinh'] },
  'civil-status': { name: 'ho_ten', id: 'so_dinh_danh', required: ['ho_ten', 'ngay_sinh'] },
  'social-insurance': { name: 'ho_ten', id: 'so_dinh_danh', required: ['ho_ten', 'ngay_sinh'] },
  'judicial-records': { name: 'ho_ten', id: 'so_dinh_danh', required: ['ho_ten', 'ngay_sinh'] },
  'driving-licences': { name: 'ho_ten', id: 'so_dinh_danh', required: ['ho_ten', 'ngay_sinh', 'hang'] },
  'business-registry': {
    name: 'nguoi_dai_dien',
    id: 'so_dinh_danh_nguoi_dai_dien',
    required: ['ten', 'nguoi_dai_dien'],
  },
  'land-parcels': { name: 'chu_su_dung', id: 'so_dinh_danh_chu_su_dung', required: ['chu_su_dung'] },
};

/**
 * The deliberate defects a generated main-table row carries, read from its values: what a connector
 * must clean (names), skip (soft deletes) or dead-letter (invalid ids, missing values).
 */
export function rowDefects(
  dataset: SourceDataset,
  sourceRow: object,
  provinceCodes: ReadonlySet<string>,
): SourceDefect[] {
  const row = sourceRow as Record<string, unknown>;
  const cols = PERSON_COLUMNS[dataset];
  const out: SourceDefect[] = [];
  if (row.da_xoa === true || row.da_xoa === 1) out.push('soft-deleted');
  const name = row[cols.name];
  if (typeof name === 'string') {
    if (name !== name.normalize('NFC')) out.push('decomposed-name');
    if (name !== name.trim()) out.push('padded-name');
  }
  const id = row[cols.id];
  if (typeof id !== 'string' || !decodePersonalId(id.trim(), provinceCodes)) out.push('invalid-id');
  if (cols.required.some((c) => row[c] === null || row[c] === undefined)) out.push('missing-required');
  return out;
}
