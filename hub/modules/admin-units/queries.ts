import { AdminUnitNotFoundError, InvalidDateError } from '../../kernel/errors/index.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import type { AdministrativeUnitEstablishedData, AdminLevel, AdminUnitKind, Successor } from './events.js';

/** A unit as established, with the end of its validity and its successors once succeeded. */
export interface AdminUnit extends AdministrativeUnitEstablishedData {
  /** First day no longer in force; absent while in force. */
  validTo?: string;
  successors: Successor[];
}

/** One step from a unit no longer in force to one of its successors. */
export interface SuccessionHop {
  from: string;
  to: string;
  share: Successor['share'];
  /** The day the succession took effect. */
  on: string;
}

export interface Resolution {
  /** Units in force on the date that the unit is (or has become). Empty when none is known. */
  inForce: AdminUnit[];
  /** Every succession followed, in breadth-first order. Empty when the unit itself is in force. */
  hops: SuccessionHop[];
}

interface UnitRow {
  unit_id: string;
  code: string;
  level: AdminLevel;
  kind: AdminUnitKind;
  name: string;
  english_name: string | null;
  parent_unit_id: string | null;
  valid_from: string;
  valid_to: string | null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function checkDate(onDate: string): void {
  if (!DATE.test(onDate) || Number.isNaN(Date.parse(onDate))) throw new InvalidDateError(onDate);
}

function successorsOf(db: ReadModelDb, unitId: string): Successor[] {
  return db
    .prepare<[string], { unitId: string; share: Successor['share'] }>(
      'SELECT successor_unit_id AS unitId, share FROM admin_unit_successors WHERE unit_id = ? ORDER BY successor_unit_id',
    )
    .all(unitId);
}

function toUnit(db: ReadModelDb, row: UnitRow): AdminUnit {
  return {
    unitId: row.unit_id,
    code: row.code,
    level: row.level,
    kind: row.kind,
    name: row.name,
    ...(row.english_name ? { englishName: row.english_name } : {}),
    ...(row.parent_unit_id ? { parentUnitId: row.parent_unit_id } : {}),
    validFrom: row.valid_from,
    ...(row.valid_to ? { validTo: row.valid_to } : {}),
    successors: successorsOf(db, row.unit_id),
  };
}

export function getUnit(db: ReadModelDb, unitId: string): AdminUnit | undefined {
  const row = db.prepare<[string], UnitRow>('SELECT * FROM admin_units WHERE unit_id = ?').get(unitId);
  return row ? toUnit(db, row) : undefined;
}

const inForce = (unit: AdminUnit, onDate: string) =>
  unit.validFrom <= onDate && (unit.validTo === undefined || onDate < unit.validTo);

/**
 * The unit(s) in force on `onDate` (YYYY-MM-DD, Vietnam calendar day) that `unitId` is or became,
 * following successions forwards. A unit not yet established on that date resolves to nothing.
 * Throws AdminUnitNotFoundError for an unknown unit.
 */
export function resolveUnit(db: ReadModelDb, unitId: string, onDate: string): Resolution {
  checkDate(onDate);
  const start = getUnit(db, unitId);
  if (!start) throw new AdminUnitNotFoundError(unitId);
  const result: Resolution = { inForce: [], hops: [] };
  const seen = new Set([unitId]);
  const queue = [start];
  for (let unit = queue.shift(); unit; unit = queue.shift()) {
    if (inForce(unit, onDate)) {
      result.inForce.push(unit);
      continue;
    }
    if (unit.validTo === undefined || onDate < unit.validTo) continue;
    for (const successor of unit.successors) {
      result.hops.push({ from: unit.unitId, to: successor.unitId, share: successor.share, on: unit.validTo });
      if (seen.has(successor.unitId)) continue;
      seen.add(successor.unitId);
      const next = getUnit(db, successor.unitId);
      if (next) queue.push(next);
    }
  }
  return result;
}

export interface UnitsInForceQuery {
  level: AdminLevel;
  /** Only direct children of this unit. */
  parentUnitId?: string;
  onDate: string;
}

/** Units of a level in force on a date, ordered by code. */
export function unitsInForce(db: ReadModelDb, query: UnitsInForceQuery): AdminUnit[] {
  checkDate(query.onDate);
  const parentClause = query.parentUnitId === undefined ? '' : 'AND parent_unit_id = @parentUnitId';
  const rows = db
    .prepare<Record<string, string>, UnitRow>(
      `SELECT * FROM admin_units
       WHERE level = @level AND valid_from <= @onDate AND (valid_to IS NULL OR valid_to > @onDate) ${parentClause}
       ORDER BY code`,
    )
    .all({
      level: query.level,
      onDate: query.onDate,
      ...(query.parentUnitId ? { parentUnitId: query.parentUnitId } : {}),
    });
  return rows.map((row) => toUnit(db, row));
}
