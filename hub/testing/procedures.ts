import fs from 'node:fs';
import path from 'node:path';
import { PROCEDURES_DIR } from '../modules/procedures/index.js';

/**
 * Writes a variant of a shipped procedure file (procedures/<name>) into `dir`: its text passed
 * through `patch`, under `as` (default: the same name). Returns the new file's path.
 */
export function procedureVariant(
  dir: string,
  name: string,
  patch: (text: string) => string,
  as = name,
): string {
  const text = fs.readFileSync(path.join(PROCEDURES_DIR, name), 'utf8');
  const file = path.join(dir, as);
  fs.writeFileSync(file, patch(text));
  return file;
}

export const BIRTH = '1.001193-dang-ky-khai-sinh.yaml';
export const RESIDENCE = '1.004222-dang-ky-thuong-tru.yaml';
export const DEATH = '1.000656-dang-ky-khai-tu.yaml';
