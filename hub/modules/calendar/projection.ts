import type { RecordedEvent } from '../../kernel/event-store.js';
import type { ProjectionDefinition } from '../../kernel/projection.js';
import { CALENDAR_STREAM_CATEGORY, eventTypes, type WorkingCalendarYearDeclaredData } from './events.js';

/**
 * Read model `working-calendar`: the declaration in force for each year (its latest version) and
 * the event it came from. Table calendar_years.
 */
export const workingCalendarProjection: ProjectionDefinition = {
  name: 'working-calendar',
  version: 1,
  description: 'Working-day calendar: the declaration in force for each year',
  filter: { streamPrefixes: [`${CALENDAR_STREAM_CATEGORY}-`], eventTypes },
  open(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS calendar_years (
        year INTEGER PRIMARY KEY,
        version INTEGER NOT NULL,
        digest TEXT NOT NULL,
        declaration TEXT NOT NULL,
        event_id TEXT NOT NULL,
        recorded_at TEXT NOT NULL
      )
    `);
    const upsert = db.prepare(`
      INSERT INTO calendar_years (year, version, digest, declaration, event_id, recorded_at)
      VALUES (@year, @version, @digest, @declaration, @eventId, @recordedAt)
      ON CONFLICT (year) DO UPDATE SET version = excluded.version, digest = excluded.digest,
        declaration = excluded.declaration, event_id = excluded.event_id, recorded_at = excluded.recorded_at
      WHERE excluded.version > calendar_years.version
    `);
    return {
      apply(event: RecordedEvent) {
        if (event.type !== 'WorkingCalendarYearDeclared') return;
        const d = event.data as WorkingCalendarYearDeclaredData;
        upsert.run({
          year: d.year,
          version: d.version,
          digest: d.digest,
          declaration: JSON.stringify(d),
          eventId: event.id,
          recordedAt: event.recordedAt,
        });
      },
      reset() {
        db.exec('DELETE FROM calendar_years');
      },
    };
  },
};
