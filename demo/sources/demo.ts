import fs from 'node:fs';
import path from 'node:path';
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
