import type { RecordedEvent } from '../../kernel/event-store.js';
import type { ProjectionDefinition } from '../../kernel/projection.js';
import {
  AGENCY_STREAM_CATEGORY,
  type AgencyDescriptor,
  type AgencyRetiredData,
  eventTypes,
  issuerOf,
} from './events.js';

/**
 * Read model `agencies`: each agency's current registration (roles, keys, certificates, validity,
 * successor). Table agencies; `revision` is the stream revision, so caches keyed on it notice key
 * rotations. Version 2 added `certificates` (a JSON array of PEM, or NULL).
 */
export const agenciesProjection: ProjectionDefinition = {
  name: 'agencies',
  version: 2,
  description:
    'Registered agencies: organ code, tier, parent, roles, signing keys, certificates, validity and successor',
  filter: { streamPrefixes: [`${AGENCY_STREAM_CATEGORY}-`], eventTypes },
  open(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS agencies (
        organ_code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        english_name TEXT,
        level TEXT NOT NULL,
        parent_organ_code TEXT,
        admin_unit_id TEXT,
        roles TEXT NOT NULL,
        keys TEXT NOT NULL,
        certificates TEXT,
        issuer TEXT NOT NULL,
        valid_from TEXT NOT NULL,
        valid_until TEXT,
        status TEXT NOT NULL,
        successor_organ_code TEXT,
        retired_reason TEXT,
        revision INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX IF NOT EXISTS agencies_issuer ON agencies (issuer);
      CREATE INDEX IF NOT EXISTS agencies_parent ON agencies (parent_organ_code);
    `);
    // A version 1 table lacks the column; the runner then rebuilds the model from zero.
    const columns = db
      .prepare<[string], { name: string }>('SELECT name FROM pragma_table_info(?)')
      .all('agencies');
    if (!columns.some((c) => c.name === 'certificates'))
      db.exec('ALTER TABLE agencies ADD COLUMN certificates TEXT');
    const upsert = db.prepare(`
      INSERT INTO agencies (organ_code, name, english_name, level, parent_organ_code, admin_unit_id, roles, keys,
        certificates, issuer, valid_from, valid_until, status, revision)
      VALUES (@organCode, @name, @englishName, @level, @parentOrganCode, @adminUnitId, @roles, @keys,
        @certificates, @issuer, @validFrom, @validUntil, 'active', @revision)
      ON CONFLICT (organ_code) DO UPDATE SET name = excluded.name, english_name = excluded.english_name,
        level = excluded.level, parent_organ_code = excluded.parent_organ_code, admin_unit_id = excluded.admin_unit_id,
        roles = excluded.roles, keys = excluded.keys, certificates = excluded.certificates, issuer = excluded.issuer, valid_from = excluded.valid_from,
        valid_until = excluded.valid_until, revision = excluded.revision
    `);
    const retire = db.prepare(`
      UPDATE agencies SET status = 'retired', valid_until = @validUntil, successor_organ_code = @successor,
        retired_reason = @reason, revision = @revision
      WHERE organ_code = @organCode
    `);
    return {
      apply(event: RecordedEvent) {
        if (event.type === 'AgencyRegistered' || event.type === 'AgencyUpdated') {
          const a = event.data as AgencyDescriptor;
          upsert.run({
            organCode: a.organCode,
            name: a.name,
            englishName: a.englishName ?? null,
            level: a.level,
            parentOrganCode: a.parentOrganCode ?? null,
            adminUnitId: a.adminUnitId ?? null,
            roles: JSON.stringify(a.roles),
            keys: JSON.stringify(a.keys),
            certificates: a.certificates ? JSON.stringify(a.certificates) : null,
            issuer: issuerOf(a),
            validFrom: a.validFrom,
            validUntil: a.validUntil ?? null,
            revision: event.revision,
          });
        } else if (event.type === 'AgencyRetired') {
          const r = event.data as AgencyRetiredData;
          retire.run({
            organCode: r.organCode,
            validUntil: r.validUntil,
            successor: r.successorOrganCode ?? null,
            reason: r.reason ?? null,
            revision: event.revision,
          });
        }
      },
      reset() {
        db.exec('DELETE FROM agencies');
      },
    };
  },
};
