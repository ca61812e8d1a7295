import { OpenLineageQueryError } from '../../kernel/errors/index.js';
import { isLocalDate, startOfLocalDate } from '../../kernel/local-date.js';
import { EXPORT_KINDS, type ExportKind, type ExportWindow } from './export.js';

/** An export's parameters as given (query string or command-line options), every one optional. */
export interface ExportParameters {
  since?: string;
  until?: string;
  kind?: string;
  limit?: string;
}

/** The largest `limit`. */
export const MAX_LIMIT = 1_000_000;

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO 8601 instant with its offset, or a calendar day (its start in Vietnam, UTC+7). */
function instant(value: string, parameter: string): Date {
  if (isLocalDate(value)) return new Date(startOfLocalDate(value));
  const at = INSTANT.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at))
    throw new OpenLineageQueryError(
      parameter,
      `must be an ISO 8601 instant with its offset (2026-01-31T08:00:00Z, 2026-01-31T15:00:00+07:00) or a day (2026-01-31, from its start in Vietnam); got ${JSON.stringify(String(value).slice(0, 40))}`,
    );
  return new Date(at);
}

/**
 * The window of an export from its parameters, each refused with a typed error naming it (`since`
 * over HTTP, `--since` on the command line: `prefix`): instants, a kind of `runs` or `accesses`
 * (both when absent), a limit from 1 to 1,000,000.
 */
export function exportWindow(p: ExportParameters, prefix = ''): ExportWindow {
  const since = p.since === undefined ? undefined : instant(p.since, `${prefix}since`);
  const until = p.until === undefined ? undefined : instant(p.until, `${prefix}until`);
  if (since && until && until <= since)
    throw new OpenLineageQueryError(
      `${prefix}until`,
      `must be after ${prefix}since (${since.toISOString()})`,
    );
  if (p.kind !== undefined && !(EXPORT_KINDS as readonly string[]).includes(p.kind))
    throw new OpenLineageQueryError(
      `${prefix}kind`,
      `must be ${EXPORT_KINDS.join(' or ')} (both when left out); got ${JSON.stringify(p.kind.slice(0, 40))}`,
    );
  let limit: number | undefined;
  if (p.limit !== undefined) {
    limit = /^[1-9][0-9]{0,6}$/.test(p.limit) ? Number(p.limit) : Number.NaN;
    if (!(limit <= MAX_LIMIT))
      throw new OpenLineageQueryError(
        `${prefix}limit`,
        `must be an integer from 1 to ${MAX_LIMIT.toLocaleString('en')}; got ${JSON.stringify(p.limit.slice(0, 40))}`,
      );
  }
  return {
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    kinds: p.kind ? [p.kind as ExportKind] : EXPORT_KINDS,
    ...(limit !== undefined ? { limit } : {}),
  };
}

/** The window as an inspection records it: the parameters as given, in a fixed shape. */
export const windowQuery = (w: ExportWindow) => ({
  export: 'openlineage',
  since: w.since?.toISOString() ?? null,
  until: w.until?.toISOString() ?? null,
  kinds: [...w.kinds],
  limit: w.limit ?? null,
});
