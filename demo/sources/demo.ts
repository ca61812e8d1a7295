import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { SourceDataset } from './ddl.js';
import { type Geography, loadGeography } from './geography.js';
import { createSourceDatabase } from './load.js';
import { generateOneStop } from './one-stop.js';

/** Citizens in the embedded demo's population database. */
export const DEMO_POPULATION_ROWS = 3000;
export const DEMO_SEED = 1;

/**
 * The embedded demo's ministry databases, in the order the demo syncs them, each drawn from the
 * same citizens (same seed): how many rows of its main table for a population of `citizens` (the
 * civil-status, social-insurance, judicial-record and driving-licence databases hold the people of
 * that population; the business registry a few dozen enterprises of its adults; the land database a
 * few hundred parcels of its household heads).
 */
export const DEMO_SOURCES: readonly { dataset: SourceDataset; rows: (citizens: number) => number }[] = [
  { dataset: 'population', rows: (n) => n },
  { dataset: 'civil-status', rows: (n) => n },
  { dataset: 'social-insurance', rows: (n) => n },
  { dataset: 'judicial-records', rows: (n) => n },
  { dataset: 'driving-licences', rows: (n) => n },
  { dataset: 'business-registry', rows: (n) => Math.max(1, Math.round(n / 60)) },
  { dataset: 'land-parcels', rows: (n) => Math.max(1, Math.round(n / 10)) },
];

/** `<dataDir>/sources/<dataset>.sqlite`. */
export const demoSourceFile = (dataDir: string, dataset: SourceDataset) =>
  path.join(dataDir, 'sources', `${dataset}.sqlite`);

export interface DemoSourceOptions {
  /** Citizens of the population the databases are drawn from. Default `DEMO_POPULATION_ROWS`. */
  citizens?: number;
  geography?: Geography;
}

/**
 * Makes `<dataDir>/sources/<dataset>.sqlite` for the embedded demo when it is missing. Always the
 * same rows (fixed seed), built in well under a second, so nothing binary needs committing.
 */
export async function ensureDemoSource(
  dataDir: string,
  dataset: SourceDataset = 'population',
  options: DemoSourceOptions = {},
): Promise<{ file: string; created: boolean }> {
  const file = demoSourceFile(dataDir, dataset);
  if (fs.existsSync(file)) return { file, created: false };
  const source = DEMO_SOURCES.find((s) => s.dataset === dataset)!;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  fs.rmSync(partial, { force: true });
  await createSourceDatabase({ kind: 'sqlite', url: partial }, dataset, {
    rows: source.rows(options.citizens ?? DEMO_POPULATION_ROWS),
    seed: DEMO_SEED,
    geography: options.geography,
  });
  fs.renameSync(partial, file);
  return { file, created: true };
}

/** Every demo source (`DEMO_SOURCES`), each made when missing; the geography is read once, if needed. */
export async function ensureDemoSources(
  dataDir: string,
  options: Omit<DemoSourceOptions, 'geography'> = {},
): Promise<{ dataset: SourceDataset; file: string; created: boolean }[]> {
  let geography: Geography | undefined;
  const out = [];
  for (const { dataset } of DEMO_SOURCES) {
    if (!fs.existsSync(demoSourceFile(dataDir, dataset))) geography ??= loadGeography();
    out.push({ dataset, ...(await ensureDemoSource(dataDir, dataset, { ...options, geography })) });
  }
  return out;
}

/**
 * The citizen the demo tour reads: the first one in `<dataDir>/sources/population.sqlite` with a
 * well-formed 12-digit ID number, a name and a date of birth (as the source holds them). Undefined
 * while the hub has not made the demo source yet.
 */
export function demoCitizen(dataDir: string): { personalId: string; fullName: string } | undefined {
  return populationRow(
    dataDir,
    "SELECT so_dinh_danh, ho_ten FROM cong_dan WHERE da_xoa = 0 AND ho_ten IS NOT NULL AND ngay_sinh IS NOT NULL AND so_dinh_danh GLOB '0[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]' ORDER BY id LIMIT 1",
  );
}

/** A citizen of the demo population source by ID number, with the name the source holds; undefined when absent. */
export function demoCitizenNamed(
  dataDir: string,
  personalId: string,
): { personalId: string; fullName: string } | undefined {
  return populationRow(
    dataDir,
    'SELECT so_dinh_danh, ho_ten FROM cong_dan WHERE da_xoa = 0 AND so_dinh_danh = ?',
    personalId,
  );
}

/** One citizen of the demo population source (columns so_dinh_danh, ho_ten); undefined without the source or a row. */
function populationRow(dataDir: string, sql: string, ...params: string[]) {
  const file = demoSourceFile(dataDir, 'population');
  if (!fs.existsSync(file)) return undefined;
  const db = new Database(file, { readonly: true });
  try {
    const row = db.prepare(sql).get(...params) as { so_dinh_danh: string; ho_ten: string } | undefined;
    return row && { personalId: row.so_dinh_danh, fullName: row.ho_ten };
  } finally {
    db.close();
  }
}

/** Dossiers in the embedded demo's one-stop database (`<dataDir>/sources/one-stop.sqlite`). */
export const DEMO_ONE_STOP_DOSSIERS = 400;

/**
 * Makes `<dataDir>/sources/one-stop.sqlite` when it is missing: an OpenCPS-style one-stop system's
 * dossiers and their history (demo/sources/one-stop.ts), submitted from the first day of the month
 * five months before `today` up to `today`, so the service index (766) has figures for the current
 * months. The same rows for the same day; kept once made.
 */
export async function ensureDemoOneStop(
  dataDir: string,
  options: { dossiers?: number; today?: Date } = {},
): Promise<{ file: string; created: boolean }> {
  const file = path.join(dataDir, 'sources', 'one-stop.sqlite');
  if (fs.existsSync(file)) return { file, created: false };
  const today = options.today ?? new Date();
  const from = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 5, 1));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  fs.rmSync(partial, { force: true });
  await generateOneStop({
    driver: 'sqlite',
    connection: partial,
    dossiers: options.dossiers ?? DEMO_ONE_STOP_DOSSIERS,
    seed: DEMO_SEED,
    from: from.toISOString().slice(0, 10),
    to: today.toISOString().slice(0, 10),
  });
  fs.renameSync(partial, file);
  return { file, created: true };
}
