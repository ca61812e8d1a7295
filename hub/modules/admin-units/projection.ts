import type { RecordedEvent } from '../../kernel/event-store.js';
import type { ProjectionDefinition } from '../../kernel/projection.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import {
  type AdministrativeUnitEstablishedData,
  type AdministrativeUnitSucceededData,
  eventTypes,
  STREAM_CATEGORY,
} from './events.js';

/**
 * Read model `admin-units`: every unit with its validity period, parent and successors.
 * Tables: admin_units, admin_unit_successors.
 */
export const adminUnitsProjection: ProjectionDefinition = {
  name: 'admin-units',
  version: 1,
  description:
    'Administrative units with validity periods, parents and successors (routing across reorganisations)',
  filter: { streamPrefixes: [`${STREAM_CATEGORY}-`], eventTypes },
  open(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS admin_units (
        unit_id TEXT PRIMARY KEY,
        code TEXT NOT NULL,
        level TEXT NOT NULL,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        english_name TEXT,
        parent_unit_id TEXT,
        valid_from TEXT NOT NULL,
        valid_to TEXT
      );
      CREATE INDEX IF NOT EXISTS admin_units_level ON admin_units (level, valid_from, valid_to);
      CREATE INDEX IF NOT EXISTS admin_units_parent ON admin_units (parent_unit_id, level);
      CREATE INDEX IF NOT EXISTS admin_units_code ON admin_units (code);
      CREATE TABLE IF NOT EXISTS admin_unit_successors (
        unit_id TEXT NOT NULL,
        successor_unit_id TEXT NOT NULL,
        share TEXT NOT NULL,
        PRIMARY KEY (unit_id, successor_unit_id)
      );
    `);
    const upsertUnit = db.prepare(`
      INSERT INTO admin_units (unit_id, code, level, kind, name, english_name, parent_unit_id, valid_from)
      VALUES (@unitId, @code, @level, @kind, @name, @englishName, @parentUnitId, @validFrom)
      ON CONFLICT (unit_id) DO UPDATE SET code = excluded.code, level = excluded.level, kind = excluded.kind,
        name = excluded.name, english_name = excluded.english_name, parent_unit_id = excluded.parent_unit_id,
        valid_from = excluded.valid_from
    `);
    const setValidTo = db.prepare('UPDATE admin_units SET valid_to = ? WHERE unit_id = ?');
    const clearSuccessors = db.prepare('DELETE FROM admin_unit_successors WHERE unit_id = ?');
    const addSuccessor = db.prepare(
      'INSERT INTO admin_unit_successors (unit_id, successor_unit_id, share) VALUES (?, ?, ?)',
    );
    return {
      apply(event: RecordedEvent) {
        if (event.type === 'AdministrativeUnitEstablished') {
          const data = event.data as AdministrativeUnitEstablishedData;
          upsertUnit.run({ englishName: null, parentUnitId: null, ...data });
        } else if (event.type === 'AdministrativeUnitSucceeded') {
          const data = event.data as AdministrativeUnitSucceededData;
          setValidTo.run(data.validTo, data.unitId);
          clearSuccessors.run(data.unitId);
          for (const s of data.successors) addSuccessor.run(data.unitId, s.unitId, s.share);
        }
      },
      reset() {
        db.exec('DELETE FROM admin_unit_successors; DELETE FROM admin_units;');
      },
    };
  },
};

export type AdminUnitsDb = ReadModelDb;
