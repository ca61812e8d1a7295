import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ADMIN_UNITS_IMPORT_VERSION, importAdminUnits } from '../../hub/modules/admin-units/index.js';
import { ADMIN_UNITS_DATA_DIR, CONVERSION_FILE, UNIT_LIST_FILE } from '../data/admin-units.js';
import type { DemoDataset } from './dataset.js';
/** Fixed so that ids and contents stay the same on every import of the same files. */
export const ADMIN_UNITS_FETCHED_AT = '2025-07-01T00:00:00.000Z';

export async function readAdminUnitSources(dataDir = ADMIN_UNITS_DATA_DIR) {
  const [unitList, conversion] = await Promise.all(
    [UNIT_LIST_FILE, CONVERSION_FILE].map(async (file) => ({
      file,
      text: await fs.readFile(path.join(dataDir, file), 'utf8'),
    })),
  );
  return { unitList: unitList!, conversion: conversion!, fetchedAt: ADMIN_UNITS_FETCHED_AT };
}

/** Vietnam's administrative units before and after the 1 July 2025 reorganisation. */
export function adminUnitsDataset(options: { dataDir?: string } = {}): DemoDataset {
  let sources: ReturnType<typeof readAdminUnitSources> | undefined;
  const load = () => {
    sources ??= readAdminUnitSources(options.dataDir);
    return sources;
  };
  return {
    name: 'admin-units',
    async fingerprint() {
      const { unitList, conversion, fetchedAt } = await load();
      return createHash('sha256')
        .update(`admin-units v${ADMIN_UNITS_IMPORT_VERSION}\n${fetchedAt}\n`)
        .update(unitList.text)
        .update('\n\u0000\n')
        .update(conversion.text)
        .digest('hex');
    },
    async build() {
      return importAdminUnits(await load()).streams;
    },
  };
}
