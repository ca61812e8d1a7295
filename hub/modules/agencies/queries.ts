import { AgencyNotFoundError, InvalidDateError } from '../../kernel/errors/index.js';
import { localDateOf } from '../../kernel/local-date.js';
import type { Role } from '../../kernel/principal.js';
import { prepared, type ReadModelDb } from '../../kernel/read-model.js';
import type { AgencyDescriptor, AgencyKeys, AgencyLevel } from './events.js';

/** An agency as the read model holds it. */
export interface Agency extends AgencyDescriptor {
  /** Effective token issuer (registered or `urn:lienthong:agency:<organCode>`). */
  issuer: string;
  status: 'active' | 'retired';
  successorOrganCode?: string;
  retiredReason?: string;
  /** Revision of the agency's stream: changes on every update, so key caches can notice rotations. */
  revision: number;
}

interface AgencyRow {
  organ_code: string;
  name: string;
  english_name: string | null;
  level: AgencyLevel;
  parent_organ_code: string | null;
  admin_unit_id: string | null;
  roles: string;
  keys: string;
  certificates: string | null;
  issuer: string;
  valid_from: string;
  valid_until: string | null;
  status: 'active' | 'retired';
  successor_organ_code: string | null;
  retired_reason: string | null;
  revision: number;
}

const optional = <K extends string>(key: K, value: string | null) =>
  (value === null ? {} : { [key]: value }) as Partial<Record<K, string>>;

function toAgency(row: AgencyRow): Agency {
  return {
    organCode: row.organ_code,
    name: row.name,
    ...optional('englishName', row.english_name),
    level: row.level,
    ...optional('parentOrganCode', row.parent_organ_code),
    ...optional('adminUnitId', row.admin_unit_id),
    roles: JSON.parse(row.roles) as Role[],
    keys: JSON.parse(row.keys) as AgencyKeys,
    ...(row.certificates === null ? {} : { certificates: JSON.parse(row.certificates) as string[] }),
    issuer: row.issuer,
    validFrom: row.valid_from,
    ...optional('validUntil', row.valid_until),
    status: row.status,
    ...optional('successorOrganCode', row.successor_organ_code),
    ...optional('retiredReason', row.retired_reason),
    revision: row.revision,
  };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
function checkDate(onDate: string): void {
  if (!DATE.test(onDate) || Number.isNaN(Date.parse(onDate))) throw new InvalidDateError(onDate);
}

/** The calendar day in Vietnam (UTC+7, no daylight saving) at an instant, `YYYY-MM-DD` (`localDateOf`). */
export const vietnamDate = (at: Date): string => localDateOf(at);

export function getAgency(db: ReadModelDb, organCode: string): Agency | undefined {
  const row = prepared<[string], AgencyRow>(db, 'SELECT * FROM agencies WHERE organ_code = ?').get(organCode);
  return row ? toAgency(row) : undefined;
}

export function findAgencyByIssuer(db: ReadModelDb, issuer: string): Agency | undefined {
  const row = prepared<[string], AgencyRow>(db, 'SELECT * FROM agencies WHERE issuer = ?').get(issuer);
  return row ? toAgency(row) : undefined;
}

/**
 * The X.509 certificates (PEM) an agency registered for signing exchanged envelopes; none for an
 * unknown agency or one that registered none. Retired agencies keep theirs: what they signed while
 * in force still verifies.
 */
export function certificatesOf(db: ReadModelDb, organCode: string): string[] {
  const row = prepared<[string], Pick<AgencyRow, 'certificates'>>(
    db,
    'SELECT certificates FROM agencies WHERE organ_code = ?',
  ).get(organCode);
  return row?.certificates ? (JSON.parse(row.certificates) as string[]) : [];
}

/** In force on a day: `validFrom <= day < validUntil` (retirement sets validUntil). */
export const isInForce = (agency: Pick<Agency, 'validFrom' | 'validUntil'>, onDate: string) =>
  agency.validFrom <= onDate && (agency.validUntil === undefined || onDate < agency.validUntil);

/** The agency if it is registered and in force on `onDate` (YYYY-MM-DD). */
export function agencyInForce(db: ReadModelDb, organCode: string, onDate: string): Agency | undefined {
  checkDate(onDate);
  const agency = getAgency(db, organCode);
  return agency && isInForce(agency, onDate) ? agency : undefined;
}

export interface ListAgenciesQuery {
  /** Only agencies in force on this day. */
  onDate?: string;
  level?: AgencyLevel;
  parentOrganCode?: string;
}

export function listAgencies(db: ReadModelDb, query: ListAgenciesQuery = {}): Agency[] {
  if (query.onDate !== undefined) checkDate(query.onDate);
  const rows = prepared<[], AgencyRow>(db, 'SELECT * FROM agencies ORDER BY organ_code').all();
  return rows
    .map(toAgency)
    .filter(
      (a) =>
        (query.onDate === undefined || isInForce(a, query.onDate)) &&
        (query.level === undefined || a.level === query.level) &&
        (query.parentOrganCode === undefined || a.parentOrganCode === query.parentOrganCode),
    );
}

export interface AgencySuccession {
  from: string;
  to: string;
  /** The day the successor took over. */
  on: string;
}

export interface AgencyResolution {
  /** The agency in force on the day that the given one is or became; undefined when none is. */
  agency?: Agency;
  /** Every succession followed (empty when the agency itself is in force): the hop to record in lineage. */
  hops: AgencySuccession[];
}

/**
 * Follows successors from `organCode` to the agency in force on `onDate`. Throws AgencyNotFoundError
 * for an unknown code. A chain without an in-force end (no successor, not yet valid) resolves to none.
 */
export function resolveSuccessor(db: ReadModelDb, organCode: string, onDate: string): AgencyResolution {
  checkDate(onDate);
  let agency = getAgency(db, organCode);
  if (!agency) throw new AgencyNotFoundError(organCode);
  const hops: AgencySuccession[] = [];
  const seen = new Set([organCode]);
  while (agency) {
    if (isInForce(agency, onDate)) return { agency, hops };
    const next = agency.successorOrganCode;
    if (!next || agency.validUntil === undefined || onDate < agency.validUntil || seen.has(next)) break;
    hops.push({ from: agency.organCode, to: next, on: agency.validUntil });
    seen.add(next);
    agency = getAgency(db, next);
  }
  return { hops };
}
