import { ServiceIndexInputError } from '../../kernel/errors/index.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import { ReadModelChanges } from '../../projections/changes.js';
import { type Agency, isInForce, listAgencies } from '../agencies/index.js';

/** Whose figures: one agency, every agency of a level, a province (its agency and all under it), or all. */
export type Scope =
  | { kind: 'all' }
  | { kind: 'agency'; organCode: string }
  | { kind: 'level'; level: string }
  | { kind: 'province'; organCode: string };

export const scopeLabel = (s: Scope) =>
  s.kind === 'all' ? 'all' : s.kind === 'level' ? `level:${s.level}` : `${s.kind}:${s.organCode}`;

/** The agency registry in memory, reloaded when the `agencies` read model changes. */
const registries = new WeakMap<ReadModelDb, (query: null) => Map<string, Agency>>();
function registry(db: ReadModelDb): Map<string, Agency> {
  let memo = registries.get(db);
  if (!memo) {
    memo = ReadModelChanges.of(db).memo(
      'agencies',
      () => 'all',
      () => new Map(listAgencies(db).map((a) => [a.organCode, a])),
    );
    registries.set(db, memo);
  }
  return memo(null);
}

/** The agency standing for `organCode` on a day: itself when in force, else its successor then (followed), else none. */
function standIn(agencies: Map<string, Agency>, organCode: string, onDate: string): Agency | undefined {
  const seen = new Set<string>();
  let agency = agencies.get(organCode);
  while (agency && !seen.has(agency.organCode)) {
    if (isInForce(agency, onDate)) return agency;
    seen.add(agency.organCode);
    if (agency.validUntil === undefined || onDate < agency.validUntil || !agency.successorOrganCode)
      return undefined;
    agency = agencies.get(agency.successorOrganCode);
  }
  return undefined;
}

function under(agencies: Map<string, Agency>, agency: Agency, ancestor: string): boolean {
  const seen = new Set<string>();
  for (
    let a: Agency | undefined = agency;
    a && !seen.has(a.organCode);
    a = a.parentOrganCode ? agencies.get(a.parentOrganCode) : undefined
  ) {
    if (a.organCode === ancestor) return true;
    seen.add(a.organCode);
  }
  return false;
}

/**
 * The agency keys of the read model whose figures make up the scope, with the hierarchy in force
 * on `onDate`: an agency no longer in force counts where its successor (followed to that day)
 * stands; levels and parents are the registry's, never fixed in code. Unknown level or agency
 * names are `SERVICE_INDEX_INVALID_INPUT`.
 */
export function agencyKeysOf(db: ReadModelDb, scope: Scope, onDate: string): number[] {
  const rows = db
    .prepare<[], { agency_key: number; organ_code: string }>('SELECT agency_key, organ_code FROM si_agencies')
    .all();
  if (scope.kind === 'all') return rows.map((r) => r.agency_key);
  if (scope.kind === 'agency') {
    const keys = rows.filter((r) => r.organ_code === scope.organCode).map((r) => r.agency_key);
    if (keys.length === 0 && !registry(db).has(scope.organCode)) {
      throw new ServiceIndexInputError('scope.agency', `no agency ${scope.organCode} is registered`);
    }
    return keys;
  }
  const agencies = registry(db);
  if (scope.kind === 'level') {
    const levels = new Set([...agencies.values()].map((a) => a.level as string));
    if (!levels.has(scope.level)) {
      throw new ServiceIndexInputError(
        'scope.level',
        `no agency has level ${JSON.stringify(scope.level)} (levels: ${[...levels].sort().join(', ')})`,
      );
    }
    return rows
      .filter((r) => standIn(agencies, r.organ_code, onDate)?.level === scope.level)
      .map((r) => r.agency_key);
  }
  const province = agencies.get(scope.organCode);
  if (!province)
    throw new ServiceIndexInputError('scope.province', `no agency ${scope.organCode} is registered`);
  return rows
    .filter((r) => {
      const stand = standIn(agencies, r.organ_code, onDate);
      return stand !== undefined && under(agencies, stand, scope.organCode);
    })
    .map((r) => r.agency_key);
}
