import { InvalidDateError } from '../../kernel/errors/index.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import type { ContractVersionData } from './events.js';
import type { ContractRecord } from './types.js';

interface Row {
  terms: string;
  event_id: string;
  status: 'active' | 'revoked';
  revoked_reason: string | null;
  revoked_on: string | null;
}

const SELECT = `
  SELECT v.terms, v.event_id, c.status, c.revoked_reason, c.revoked_on
  FROM contract_versions v JOIN contracts c ON c.contract_id = v.contract_id`;

function toRecord(row: Row): ContractRecord {
  const { digest: _digest, title, ...t } = JSON.parse(row.terms) as ContractVersionData;
  return {
    ...t,
    ...(title ? { title } : {}),
    status: row.status,
    sourceEventId: row.event_id,
    ...(row.revoked_reason !== null
      ? { revocation: { reason: row.revoked_reason, revokedOn: row.revoked_on! } }
      : {}),
  };
}

/** One version of a contract (default: the current one). A revoked contract's versions all read `revoked`. */
export function getContract(
  db: ReadModelDb,
  contractId: string,
  version?: number,
): ContractRecord | undefined {
  const row =
    version === undefined
      ? db
          .prepare<[string], Row>(`${SELECT} WHERE v.contract_id = ? AND v.version = c.current_version`)
          .get(contractId)
      : db
          .prepare<[string, number], Row>(`${SELECT} WHERE v.contract_id = ? AND v.version = ?`)
          .get(contractId, version);
  return row ? toRecord(row) : undefined;
}

/** Every version of a contract, oldest first. */
export function contractVersions(db: ReadModelDb, contractId: string): ContractRecord[] {
  return db
    .prepare<[string], Row>(`${SELECT} WHERE v.contract_id = ? ORDER BY v.version`)
    .all(contractId)
    .map(toRecord);
}

export interface FindContractsQuery {
  consumer?: string;
  provider?: string;
  dataset?: string;
  /** Only contracts in force on this day (YYYY-MM-DD): active and `validFrom <= on < validUntil`. */
  on?: string;
  /** Only contracts that allow this purpose. */
  purpose?: string;
}

/** Current versions matching the query, by contract id. Without `on`, revoked contracts are included. */
export function findContracts(db: ReadModelDb, query: FindContractsQuery = {}): ContractRecord[] {
  const where = ['v.version = c.current_version'];
  const params: Record<string, string> = {};
  for (const key of ['consumer', 'provider', 'dataset'] as const) {
    if (query[key] !== undefined) {
      where.push(`c.${key} = @${key}`);
      params[key] = query[key];
    }
  }
  if (query.on !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(query.on) || Number.isNaN(Date.parse(query.on))) {
      throw new InvalidDateError(query.on);
    }
    where.push(
      "c.status = 'active' AND c.valid_from <= @on AND (c.valid_until IS NULL OR c.valid_until > @on)",
    );
    params.on = query.on;
  }
  return db
    .prepare<Record<string, string>, Row>(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY c.contract_id`)
    .all(params)
    .map(toRecord)
    .filter((c) => query.purpose === undefined || c.purposes.includes(query.purpose));
}
