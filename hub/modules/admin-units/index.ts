import type { HubModule } from '../../kernel/module.js';
import { adminUnitsProjection } from './projection.js';

/** Vietnam's administrative units with validity periods and successors (before and after 1 July 2025). */
export const adminUnitsModule: HubModule = {
  name: 'admin-units',
  projections: [adminUnitsProjection],
};

export { parseConversionTable, parseUnitList } from './csv.js';
export * from './events.js';
export {
  ADMIN_UNITS_IMPORT_VERSION,
  type AdminUnitImport,
  type AdminUnitImportInput,
  type CsvSource,
  importAdminUnits,
} from './importer.js';
export { adminUnitsProjection } from './projection.js';
export { type AdminUnit, getUnit, type Resolution, resolveUnit, unitsInForce } from './queries.js';
