import { InvalidProcedureQueryError } from '../../kernel/errors/index.js';
import { prepared, type ReadModelDb } from '../../kernel/read-model.js';
import { ReadModelChanges } from '../../projections/changes.js';
import { PROCEDURE_CODE, type ProcedureDefinition } from './events.js';
import { proceduresProjection } from './projection.js';
import type { ProcedureFilter, ProcedureRecord } from './types.js';

interface Row {
  definition: string;
  version: number;
  content_hash: string;
  event_id: string;
  recorded_at: string;
  status: 'published' | 'withdrawn';
  withdrawn_reason: string | null;
  withdrawn_on: string | null;
}

const SELECT = `
  SELECT v.definition, v.version, v.content_hash, v.event_id, v.recorded_at, p.status, p.withdrawn_reason, p.withdrawn_on
  FROM procedure_versions v JOIN procedures p ON p.code = v.code`;

function toRecord(row: Row): ProcedureRecord {
  return {
    ...(JSON.parse(row.definition) as ProcedureDefinition),
    version: row.version,
    contentHash: row.content_hash,
    status: row.status,
    sourceEventId: row.event_id,
    publishedAt: row.recorded_at,
    ...(row.withdrawn_reason !== null
      ? { withdrawal: { reason: row.withdrawn_reason, withdrawnOn: row.withdrawn_on! } }
      : {}),
  };
}

/** Refuses a code that is not `<digit>.<six digits>`, naming `argument`. */
export function checkProcedureCode(code: string, argument = 'code'): string {
  if (!PROCEDURE_CODE.test(code))
    throw new InvalidProcedureQueryError(argument, code, 'a code like 1.001193');
  return code;
}

/** One version of a procedure (default: the current one); undefined when there is none. */
export function getProcedure(db: ReadModelDb, code: string, version?: number): ProcedureRecord | undefined {
  checkProcedureCode(code);
  if (version !== undefined && (!Number.isInteger(version) || version < 1)) {
    throw new InvalidProcedureQueryError('version', String(version), 'an integer from 1');
  }
  const row =
    version === undefined
      ? prepared<[string], Row>(db, `${SELECT} WHERE v.code = ? AND v.version = p.current_version`).get(code)
      : prepared<[string, number], Row>(db, `${SELECT} WHERE v.code = ? AND v.version = ?`).get(
          code,
          version,
        );
  return row ? toRecord(row) : undefined;
}

/** Every version of a procedure, oldest first. */
export function procedureVersions(db: ReadModelDb, code: string): ProcedureRecord[] {
  checkProcedureCode(code);
  return prepared<[string], Row>(db, `${SELECT} WHERE v.code = ? ORDER BY v.version`).all(code).map(toRecord);
}

/** Current versions matching the filter, by code (published ones unless `status` says otherwise). */
export function listProcedures(db: ReadModelDb, filter: ProcedureFilter = {}): ProcedureRecord[] {
  const where = ['v.version = p.current_version'];
  const params: Record<string, string> = {};
  const columns = { field: 'field', level: 'level', serviceLevel: 'service_level' } as const;
  for (const key of ['field', 'level', 'serviceLevel'] as const) {
    if (filter[key] !== undefined) {
      where.push(`p.${columns[key]} = @${key}`);
      params[key] = filter[key];
    }
  }
  const status = filter.status ?? 'published';
  if (status !== 'any') {
    where.push('p.status = @status');
    params.status = status;
  }
  return prepared<Record<string, string>, Row>(db, `${SELECT} WHERE ${where.join(' AND ')} ORDER BY p.code`)
    .all(params)
    .map(toRecord);
}

/** A procedure as a dossier service reads it: version, processing time and components. */
export interface CatalogueEntry {
  code: string;
  /** The catalogue version, as text. */
  version: string;
  processingTime: { amount: number; unit: 'day' | 'hour' };
  components: { code: string; required: boolean }[];
}

/**
 * The catalogue as the dossiers' procedure port reads it (`find(code, version?)`): the version named,
 * or the current one; nothing for an unknown or malformed code or version, or for a procedure
 * withdrawn on or before today (`today`: the day as `YYYY-MM-DD`), since no dossier is opened under
 * it any more.
 */
export function catalogueLookup(db: ReadModelDb, today: () => string) {
  // read and shaped once per version named, until the catalogue read model changes
  const entryOf = ReadModelChanges.of(db).memo(
    proceduresProjection.name,
    (q: { code: string; n: number | undefined }) => `${q.code}@${q.n ?? ''}`,
    ({ code, n }) => {
      const p = getProcedure(db, code, n);
      if (!p) return null;
      const unit = p.processingTime.unit === 'working-days' ? 'day' : 'hour';
      const entry: CatalogueEntry = {
        code: p.code,
        version: String(p.version),
        processingTime: { amount: p.processingTime.amount, unit },
        components: p.components.map((c) => ({ code: c.code, required: c.required })),
      };
      return { entry, withdrawnOn: p.withdrawal?.withdrawnOn };
    },
  );
  return {
    find(code: string, version?: string): CatalogueEntry | undefined {
      const n = version === undefined ? undefined : Number(version);
      if (!PROCEDURE_CODE.test(code) || (n !== undefined && !(Number.isInteger(n) && n >= 1)))
        return undefined;
      const found = entryOf({ code, n });
      if (!found || (found.withdrawnOn && found.withdrawnOn <= today())) return undefined;
      return found.entry;
    },
  };
}
