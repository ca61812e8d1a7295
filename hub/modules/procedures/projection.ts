import type { RecordedEvent } from '../../kernel/event-store.js';
import type { ProjectionDefinition } from '../../kernel/projection.js';
import {
  eventTypes,
  PROCEDURE_STREAM_CATEGORY,
  type ProcedurePublishedData,
  type ProcedureWithdrawnData,
} from './events.js';

/**
 * Read model `procedures`: every version of every procedure (dossiers cite the version they were
 * opened under) and each procedure's current version and status. Tables procedure_versions, procedures.
 */
export const proceduresProjection: ProjectionDefinition = {
  name: 'procedures',
  version: 1,
  description: 'The procedure catalogue: every version, the current one, withdrawals',
  filter: { streamPrefixes: [`${PROCEDURE_STREAM_CATEGORY}-`], eventTypes },
  open(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS procedure_versions (
        code TEXT NOT NULL,
        version INTEGER NOT NULL,
        definition TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        event_id TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        PRIMARY KEY (code, version)
      );
      CREATE TABLE IF NOT EXISTS procedures (
        code TEXT PRIMARY KEY,
        current_version INTEGER NOT NULL,
        field TEXT NOT NULL,
        level TEXT NOT NULL,
        service_level TEXT NOT NULL,
        status TEXT NOT NULL,
        withdrawn_reason TEXT,
        withdrawn_on TEXT
      );
    `);
    const addVersion = db.prepare(`
      INSERT OR REPLACE INTO procedure_versions (code, version, definition, content_hash, event_id, recorded_at)
      VALUES (?, ?, ?, ?, ?, ?)
    `);
    const setCurrent = db.prepare(`
      INSERT INTO procedures (code, current_version, field, level, service_level, status)
      VALUES (@code, @version, @field, @level, @serviceLevel, 'published')
      ON CONFLICT (code) DO UPDATE SET current_version = excluded.current_version, field = excluded.field,
        level = excluded.level, service_level = excluded.service_level
    `);
    const withdraw = db.prepare(
      "UPDATE procedures SET status = 'withdrawn', withdrawn_reason = ?, withdrawn_on = ? WHERE code = ?",
    );
    return {
      apply(event: RecordedEvent) {
        if (event.type === 'ProcedurePublished') {
          const d = event.data as ProcedurePublishedData;
          const { field, level, serviceLevel } = d.definition;
          addVersion.run(
            d.code,
            d.version,
            JSON.stringify(d.definition),
            d.contentHash,
            event.id,
            event.recordedAt,
          );
          setCurrent.run({ code: d.code, version: d.version, field, level, serviceLevel });
        } else if (event.type === 'ProcedureWithdrawn') {
          const d = event.data as ProcedureWithdrawnData;
          withdraw.run(d.reason, d.withdrawnOn, d.code);
        }
      },
      reset() {
        db.exec('DELETE FROM procedure_versions; DELETE FROM procedures;');
      },
    };
  },
};
