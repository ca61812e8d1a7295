import fs from 'node:fs';
import Database from 'better-sqlite3';
import type { SourceDataset } from './ddl.js';
import { demoSourceFile } from './demo.js';
import { DEMO_TODAY } from './lives.js';

/** Citizens and records of the demo sources that show each dataset well (the tour and tests use them). */
export interface DemoExamples {
  /** A child under 6 whose parents, citizens of the same household, are named with their ID numbers. */
  child: { personalId: string; fatherPersonalId: string; motherPersonalId: string };
  /** A person with a social insurance number and a current health insurance card. */
  insured: { personalId: string; socialInsuranceNumber: string };
  /** An adult with a conviction not yet expunged. */
  convicted: { personalId: string };
  /** A holder of a driving licence. */
  driver: { personalId: string; licenceNumber: string };
  /** An active enterprise and its legal representative. */
  business: { enterpriseCode: string; representativePersonalId: string };
  /** A land user holding two parcels or more. */
  landUser: { personalId: string; parcelIds: string[] };
}

/** Born after this day: under 6 on DEMO_TODAY. */
const SIX_YEARS_BEFORE = `${Number(DEMO_TODAY.slice(0, 4)) - 6}${DEMO_TODAY.slice(4)}`;
const PERSONAL_ID = "GLOB '0[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'";

function read<T>(dataDir: string, dataset: SourceDataset, sql: string): T | undefined {
  const file = demoSourceFile(dataDir, dataset);
  if (!fs.existsSync(file)) return undefined;
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).get() as T | undefined;
  } finally {
    db.close();
  }
}

/**
 * One example of each kind from the demo sources in `<dataDir>/sources/` (made by the demo seed);
 * undefined while a source is missing or holds no such example. Read as the sources hold them: the
 * connectors import exactly these rows.
 */
export function demoExamples(dataDir: string): DemoExamples | undefined {
  const child = read<DemoExamples['child']>(
    dataDir,
    'civil-status',
    `SELECT so_dinh_danh AS personalId, so_dinh_danh_cha AS fatherPersonalId, so_dinh_danh_me AS motherPersonalId
     FROM khai_sinh WHERE da_xoa = 0 AND ngay_sinh > '${SIX_YEARS_BEFORE}'
       AND so_dinh_danh_cha IS NOT NULL AND so_dinh_danh_me IS NOT NULL ORDER BY id LIMIT 1`,
  );
  const insured = read<DemoExamples['insured']>(
    dataDir,
    'social-insurance',
    `SELECT n.so_dinh_danh AS personalId, n.ma_so_bhxh AS socialInsuranceNumber
     FROM nguoi_tham_gia n JOIN the_bhyt t ON t.ma_so_bhxh = n.ma_so_bhxh WHERE n.da_xoa = 0 ORDER BY n.id LIMIT 1`,
  );
  const convicted = read<DemoExamples['convicted']>(
    dataDir,
    'judicial-records',
    `SELECT l.so_dinh_danh AS personalId FROM ly_lich l
     WHERE l.da_xoa = 0 AND EXISTS (SELECT 1 FROM an_tich a WHERE a.ly_lich_id = l.id AND a.da_xoa_an_tich = 0)
     ORDER BY l.id LIMIT 1`,
  );
  const driver = read<DemoExamples['driver']>(
    dataDir,
    'driving-licences',
    'SELECT so_dinh_danh AS personalId, so_gplx AS licenceNumber FROM giay_phep_lai_xe WHERE da_xoa = 0 ORDER BY id LIMIT 1',
  );
  const business = read<DemoExamples['business']>(
    dataDir,
    'business-registry',
    `SELECT ma_so_doanh_nghiep AS enterpriseCode, so_dinh_danh_nguoi_dai_dien AS representativePersonalId
     FROM doanh_nghiep WHERE da_xoa = 0 AND trang_thai = 'Đang hoạt động' AND nguoi_dai_dien IS NOT NULL
       AND so_dinh_danh_nguoi_dai_dien ${PERSONAL_ID} ORDER BY id LIMIT 1`,
  );
  const landUser = read<{ personalId: string; parcelIds: string }>(
    dataDir,
    'land-parcels',
    `SELECT so_dinh_danh_chu_su_dung AS personalId, group_concat(ma_thua, ' ') AS parcelIds FROM (
       SELECT * FROM thua_dat WHERE da_xoa = 0 AND chu_su_dung IS NOT NULL AND so_dinh_danh_chu_su_dung ${PERSONAL_ID}
       ORDER BY ma_thua)
     GROUP BY so_dinh_danh_chu_su_dung HAVING count(*) >= 2 ORDER BY min(id) LIMIT 1`,
  );
  if (!child || !insured || !convicted || !driver || !business || !landUser) return undefined;
  return {
    child,
    insured,
    convicted,
    driver,
    business,
    landUser: { personalId: landUser.personalId, parcelIds: landUser.parcelIds.split(' ') },
  };
}
