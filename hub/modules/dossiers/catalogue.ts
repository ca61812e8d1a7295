import type { Awaitable, ProcedureInfo, ProcedureLookup } from './ports.js';

/**
 * One version of a procedure as the procedure catalogue (`hub/modules/procedures`) records it:
 * the part the dossier service reads.
 */
export interface CatalogueProcedure {
  code: string;
  /** The catalogue numbers versions 1, 2, …; a dossier records the version as text. */
  version: number | string;
  processingTime: { amount: number; unit: 'working-days' | 'working-hours' };
  components: readonly { code: string; required: boolean }[];
}

/** A catalogue read: a procedure in a version, or in its version in force when none is given. */
export type CatalogueRead = (code: string, version?: number) => Awaitable<CatalogueProcedure | undefined>;

const UNITS = { 'working-days': 'day', 'working-hours': 'hour' } as const;

/**
 * The `ProcedureLookup` port over the procedure catalogue's reader, e.g.
 * `catalogueLookup((code, version) => getProcedure(host.readModels, code, version))`: versions
 * are numbers there and text on a dossier, processing times in `working-days` / `working-hours`
 * there and in `day` / `hour` here. A version that is not a whole number from 1 names no version
 * of the catalogue (the procedure is then unknown).
 */
export function catalogueLookup(read: CatalogueRead): ProcedureLookup {
  return {
    async find(code, version) {
      if (version !== undefined && !/^[1-9][0-9]{0,8}$/.test(version)) return undefined;
      const found = await read(code, version === undefined ? undefined : Number(version));
      return found && toInfo(found);
    },
  };
}

const toInfo = (p: CatalogueProcedure): ProcedureInfo => ({
  code: p.code,
  version: String(p.version),
  processingTime: { amount: p.processingTime.amount, unit: UNITS[p.processingTime.unit] },
  components: p.components.map((c) => ({ code: c.code, required: c.required })),
});
