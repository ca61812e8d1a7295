import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createSourceDatabase } from './load.js';

/** Citizens in the embedded demo's population database. */
export const DEMO_POPULATION_ROWS = 3000;
export const DEMO_SEED = 1;

/**
 * Makes `<dataDir>/sources/population.sqlite` for the embedded demo when it is missing. Always the
 * same rows (fixed seed), built in well under a second, so nothing binary needs committing.
 */
export async function ensureDemoSource(dataDir: string): Promise<{ file: string; created: boolean }> {
  const file = path.join(dataDir, 'sources', 'population.sqlite');
  if (fs.existsSync(file)) return { file, created: false };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  fs.rmSync(partial, { force: true });
  await createSourceDatabase({ kind: 'sqlite', url: partial }, 'population', {
    rows: DEMO_POPULATION_ROWS,
    seed: DEMO_SEED,
  });
  fs.renameSync(partial, file);
  return { file, created: true };
}

/**
 * The citizen the demo tour reads: the first one in `<dataDir>/sources/population.sqlite` with a
 * well-formed 12-digit ID number, a name and a date of birth (as the source holds them). Undefined
 * while the hub has not made the demo source yet.
 */
export function demoCitizen(dataDir: string): { personalId: string; fullName: string } | undefined {
  const file = path.join(dataDir, 'sources', 'population.sqlite');
  if (!fs.existsSync(file)) return undefined;
  const db = new Database(file, { readonly: true });
  try {
    const row = db
      .prepare(
        "SELECT so_dinh_danh, ho_ten FROM cong_dan WHERE da_xoa = 0 AND ho_ten IS NOT NULL AND ngay_sinh IS NOT NULL AND so_dinh_danh GLOB '0[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]' ORDER BY id LIMIT 1",
      )
      .get() as { so_dinh_danh: string; ho_ten: string } | undefined;
    return row && { personalId: row.so_dinh_danh, fullName: row.ho_ten };
  } finally {
    db.close();
  }
}
