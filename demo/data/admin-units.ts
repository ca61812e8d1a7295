import { fileURLToPath } from 'node:url';

/**
 * Where the official lists of administrative units live (`demo/data/admin-units/`) and their file
 * names. A leaf: the admin-units dataset (`seed/`) and the synthetic sources (`sources/`) both read
 * these files, and neither folder imports the other for it.
 */
export const ADMIN_UNITS_DATA_DIR = fileURLToPath(new URL('./admin-units', import.meta.url));
export const UNIT_LIST_FILE = 'communes-before-2025-07-01.csv';
export const CONVERSION_FILE = 'communes-2025-07-01-old-to-new.csv';
