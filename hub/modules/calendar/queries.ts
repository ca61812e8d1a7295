import type { ReadModelDb } from '../../kernel/read-model.js';
import { ReadModelChanges } from '../../projections/changes.js';
import { WorkingCalendar } from './calendar.js';
import type { WorkingCalendarYearDeclaredData } from './events.js';
import { workingCalendarProjection } from './projection.js';

/** A year's declaration in force, with the event that recorded it (the lineage of a deadline). */
export interface DeclaredYear extends WorkingCalendarYearDeclaredData {
  sourceEventId: string;
  recordedAt: string;
}

interface Row {
  declaration: string;
  event_id: string;
  recorded_at: string;
}

const toDeclared = (row: Row): DeclaredYear => ({
  ...(JSON.parse(row.declaration) as WorkingCalendarYearDeclaredData),
  sourceEventId: row.event_id,
  recordedAt: row.recorded_at,
});

/** Every declared year in force, ascending. */
export function declaredYears(db: ReadModelDb): DeclaredYear[] {
  return db
    .prepare<[], Row>('SELECT declaration, event_id, recorded_at FROM calendar_years ORDER BY year')
    .all()
    .map(toDeclared);
}

/** The declaration in force for a year, if any. */
export function declaredYear(db: ReadModelDb, year: number): DeclaredYear | undefined {
  const row = db
    .prepare<[number], Row>('SELECT declaration, event_id, recorded_at FROM calendar_years WHERE year = ?')
    .get(year);
  return row ? toDeclared(row) : undefined;
}

/** The working calendar of every year the read model holds (built afresh on each call). */
export const calendarFrom = (db: ReadModelDb): WorkingCalendar => WorkingCalendar.of(declaredYears(db));

/**
 * The working calendar of the read model, built once and kept until the `working-calendar` read
 * model changes (in this process or another writer of the file).
 */
export function workingCalendarOf(db: ReadModelDb): () => WorkingCalendar {
  const cached = ReadModelChanges.of(db).memo(
    workingCalendarProjection.name,
    () => '',
    () => calendarFrom(db),
  );
  return () => cached(undefined);
}
