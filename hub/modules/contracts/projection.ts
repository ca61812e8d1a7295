import type { RecordedEvent } from '../../kernel/event-store.js';
import type { ProjectionDefinition } from '../../kernel/projection.js';
import {
  CONTRACT_STREAM_CATEGORY,
  type ContractRevokedData,
  type ContractVersionData,
  eventTypes,
} from './events.js';

/**
 * Read model `contracts`: every version of every contract (releases cite the version they relied
 * on) and each contract's current version and status. Tables contract_versions, contracts.
 */
export const contractsProjection: ProjectionDefinition = {
  name: 'contracts',
  version: 1,
  description: 'Data-sharing contracts: every version, the current one, and revocations',
  filter: { streamPrefixes: [`${CONTRACT_STREAM_CATEGORY}-`], eventTypes },
  open(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS contract_versions (
        contract_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        terms TEXT NOT NULL,
        digest TEXT NOT NULL,
        event_id TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        PRIMARY KEY (contract_id, version)
      );
      CREATE TABLE IF NOT EXISTS contracts (
        contract_id TEXT PRIMARY KEY,
        current_version INTEGER NOT NULL,
        provider TEXT NOT NULL,
        consumer TEXT NOT NULL,
        dataset TEXT NOT NULL,
        valid_from TEXT NOT NULL,
        valid_until TEXT,
        status TEXT NOT NULL,
        revoked_reason TEXT,
        revoked_on TEXT
      );
      CREATE INDEX IF NOT EXISTS contracts_consumer ON contracts (consumer, dataset);
    `);
    const addVersion = db.prepare(`
      INSERT OR REPLACE INTO contract_versions (contract_id, version, terms, digest, event_id, recorded_at)
      VALUES (?, ?, ?, ?, ?, ?)
    `);
    const setCurrent = db.prepare(`
      INSERT INTO contracts (contract_id, current_version, provider, consumer, dataset, valid_from, valid_until, status)
      VALUES (@contractId, @version, @provider, @consumer, @dataset, @validFrom, @validUntil, 'active')
      ON CONFLICT (contract_id) DO UPDATE SET current_version = excluded.current_version, provider = excluded.provider,
        consumer = excluded.consumer, dataset = excluded.dataset, valid_from = excluded.valid_from,
        valid_until = excluded.valid_until
    `);
    const revoke = db.prepare(
      "UPDATE contracts SET status = 'revoked', revoked_reason = ?, revoked_on = ? WHERE contract_id = ?",
    );
    return {
      apply(event: RecordedEvent) {
        if (event.type === 'ContractRegistered' || event.type === 'ContractAmended') {
          const d = event.data as ContractVersionData;
          addVersion.run(d.contractId, d.version, JSON.stringify(d), d.digest, event.id, event.recordedAt);
          setCurrent.run({ ...d, validUntil: d.validUntil ?? null });
        } else if (event.type === 'ContractRevoked') {
          const d = event.data as ContractRevokedData;
          revoke.run(d.reason, d.revokedOn, d.contractId);
        }
      },
      reset() {
        db.exec('DELETE FROM contract_versions; DELETE FROM contracts;');
      },
    };
  },
};
