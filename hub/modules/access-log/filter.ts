import { AccessLogInputError } from '../../kernel/errors/index.js';
import type { Pseudonymizer } from '../../privacy/pseudonym.js';
import { type FilterColumn, OUTCOMES, type Outcome } from './projection.js';

/** The filter as a caller gives it (GraphQL `AccessLogFilter`, or the export's query parameters). */
export interface AccessLogFilterInput {
  personalId?: string | null;
  agency?: string | null;
  official?: string | null;
  purpose?: string | null;
  dataset?: string | null;
  outcome?: string | null;
  /** ISO instant, inclusive. */
  from?: string | null;
  /** ISO instant, exclusive. */
  to?: string | null;
}

/** The filter checked: the citizen as a pseudonym, times in epoch milliseconds. */
export interface AccessLogFilter {
  equals: Partial<Record<FilterColumn, string>>;
  fromMs: number | null;
  toMs: number | null;
}

/** The names of the filter's members (the export's query parameters are the same). */
export const FILTER_NAMES = [
  'personalId',
  'agency',
  'official',
  'purpose',
  'dataset',
  'outcome',
  'from',
  'to',
] as const;

const ORGAN_CODE = /^[0-9A-Z]{2,3}(\.[0-9A-Z]{2,3}){2,3}$/;
const DATASET = /^[a-z][a-z0-9-]{0,79}$/;
/** RFC 3339 date-time with a zone (Z or an offset). */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

const present = (v: string | null | undefined): v is string => v !== undefined && v !== null;

/**
 * Checks a filter and turns it into what the read model is queried with. `prefix` is how the caller
 * names the filter's members (`filter.` in GraphQL, nothing for query parameters), so an error names
 * the argument as the caller wrote it.
 */
export function parseFilter(
  input: AccessLogFilterInput | null | undefined,
  pseudonymize: Pseudonymizer,
  prefix = 'filter.',
): AccessLogFilter {
  const f = input ?? {};
  const fail = (name: string, reason: string): never => {
    throw new AccessLogInputError(`${prefix}${name}`, reason);
  };
  const text = (name: 'official' | 'purpose', max: number) => {
    const v = f[name];
    if (!present(v)) return undefined;
    if (v.length === 0 || [...v].length > max) fail(name, `must be 1 to ${max} characters`);
    return v;
  };
  const equals: AccessLogFilter['equals'] = {};
  if (present(f.personalId)) {
    if (!/^[0-9]{12}$/.test(f.personalId)) fail('personalId', 'must be 12 digits');
    equals.subject = pseudonymize('citizen', f.personalId);
  }
  if (present(f.agency)) {
    if (!ORGAN_CODE.test(f.agency)) fail('agency', 'must be an organ code such as 000.00.00.G17');
    equals.agency = f.agency;
  }
  const official = text('official', 80);
  if (official !== undefined) equals.official = official;
  const purpose = text('purpose', 80);
  if (purpose !== undefined) equals.purpose = purpose;
  if (present(f.dataset)) {
    if (!DATASET.test(f.dataset)) fail('dataset', 'must be a dataset name such as population');
    equals.dataset = f.dataset;
  }
  if (present(f.outcome)) {
    if (!(OUTCOMES as readonly string[]).includes(f.outcome))
      fail('outcome', `must be one of ${OUTCOMES.join(', ')}`);
    equals.outcome = f.outcome as Outcome;
  }
  const instant = (name: 'from' | 'to') => {
    const v = f[name];
    if (!present(v)) return null;
    const ms = Date.parse(v);
    if (!INSTANT.test(v) || Number.isNaN(ms))
      fail(name, 'must be an ISO 8601 instant such as 2026-03-01T00:00:00Z');
    return ms;
  };
  const fromMs = instant('from');
  const toMs = instant('to');
  if (fromMs !== null && toMs !== null && toMs <= fromMs) fail('to', 'must be after from');
  return { equals, fromMs, toMs };
}

/**
 * The filter as an `InspectionPerformed` records it: as given, with the personal ID number
 * replaced by the citizen's pseudonym (`subject`).
 */
export function recordedQuery(input: AccessLogFilterInput | null | undefined, filter: AccessLogFilter) {
  const query: Record<string, string> = {};
  for (const name of FILTER_NAMES) {
    const v = input?.[name];
    if (!present(v)) continue;
    if (name === 'personalId') query.subject = filter.equals.subject!;
    else query[name] = v;
  }
  return query;
}
