import { ServiceIndexInputError } from '../../kernel/errors/index.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import { CORE, type CoreFigure, counts } from './contributions.js';
import { parseExpression, sqlNarrowing, toPredicate } from './expression.js';
import { type DossierRecord, FACTS, overdueAt, staticFacts } from './facts.js';
import type { Measure } from './method.js';
import type { Period } from './periods.js';

/** What a figure counts, for the drill-down: an indicator's numerator or denominator, or a core figure. */
export type DrillMeasure = Pick<Measure, 'key' | 'of' | 'where' | 'predicate' | 'sum'>;

const overdueWhere = parseExpression('overdue', FACTS);

/** A core figure (new, carried over, received, finished, in progress, overdue) as a measure. */
export function coreMeasure(figure: CoreFigure): DrillMeasure {
  if (figure === 'overdue') {
    return {
      key: CORE.overdue,
      of: 'received',
      where: overdueWhere,
      predicate: toPredicate(overdueWhere),
      sum: null,
    };
  }
  return { key: CORE[figure], of: figure, where: null, predicate: null, sum: null };
}

export interface DrillEdge {
  cursor: string;
  dossierId: string;
  agency: string;
  /** 1 for a count, the dossier's summed fact for a sum. */
  value: number;
}

export interface DrillPage {
  edges: DrillEdge[];
  hasNextPage: boolean;
  endCursor: string | null;
}

/** Which column orders the population, and the range of it the period takes (the rest is tested per row). */
function population(m: DrillMeasure, p: Period): { order: string; range: string; params: number[] } {
  switch (m.of) {
    case 'new':
      return { order: 'entered_at', range: 'entered_at >= ? AND entered_at < ?', params: [p.start, p.end] };
    case 'finished':
      return {
        order: 'finished_at',
        range: 'finished_at >= ? AND finished_at < ?',
        params: [p.start, p.end],
      };
    case 'received':
      return { order: 'finished_at', range: 'finished_at >= ? AND entered_at < ?', params: [p.start, p.end] };
    case 'carried-over':
      return {
        order: 'finished_at',
        range: 'finished_at >= ? AND entered_at < ?',
        params: [p.start, p.start],
      };
    case 'in-progress':
      return { order: 'finished_at', range: 'finished_at >= ? AND entered_at < ?', params: [p.end, p.end] };
  }
}

const encode = (order: number, key: number) => Buffer.from(`${order}:${key}`).toString('base64url');

function decode(cursor: string): [number, number] {
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split(':').map(Number);
  if (parts.length !== 2 || parts.some((n) => !Number.isSafeInteger(n))) {
    throw new ServiceIndexInputError('after', 'is not a cursor of this drill-down');
  }
  return parts as [number, number];
}

interface Row {
  dossier_key: number;
  dossier_id: string;
  organ_code: string;
  o: number;
  record: string;
}

/**
 * The dossiers behind a figure, in keyset pages: a period's population narrowed in SQL by what
 * the condition can say there, then tested row by row with the same predicate the counters were
 * built with, at the same judging instant (the period's end, or the horizon while it runs). So
 * the ids listed are exactly those counted.
 */
export function drilldown(
  db: ReadModelDb,
  q: {
    measure: DrillMeasure;
    period: Period;
    agencyKeys: number[];
    horizon: number;
    first: number;
    after?: string | null;
  },
): DrillPage {
  const { measure: m, period: p } = q;
  if (q.agencyKeys.length === 0 || p.start > q.horizon)
    return { edges: [], hasNextPage: false, endCursor: null };
  const pop = population(m, p);
  const single = q.agencyKeys.length === 1;
  const statement = db.prepare<unknown[], Row>(
    `SELECT d.dossier_key, d.dossier_id, a.organ_code, d.${pop.order} AS o, d.record
     FROM si_dossiers d JOIN si_agencies a ON a.agency_key = d.agency_key
     WHERE ${pop.range.replaceAll(/\b(entered_at|finished_at)\b/g, 'd.$1')}
       AND ${single ? 'd.agency_key = ?' : '+d.agency_key IN (SELECT value FROM json_each(?))'}
       AND (d.${pop.order}, d.dossier_key) > (?, ?)
       AND ${sqlNarrowing(m.where, FACTS)}
     ORDER BY d.${pop.order}, d.dossier_key LIMIT ?`,
  );
  const judgedAt = Math.min(p.end, q.horizon);
  const edges: DrillEdge[] = [];
  let [order, key] = q.after ? decode(q.after) : [Number.MIN_SAFE_INTEGER, 0];
  const chunk = Math.max(200, q.first * 4);
  for (;;) {
    const rows = statement.all(
      ...pop.params,
      single ? q.agencyKeys[0] : JSON.stringify(q.agencyKeys),
      order,
      key,
      chunk,
    );
    for (const row of rows) {
      [order, key] = [row.o, row.dossier_key];
      const r = JSON.parse(row.record) as DossierRecord;
      const view = { ...staticFacts(r), overdue: overdueAt(r, p.end, judgedAt) };
      if (!counts(m, r, view, p.start, p.end)) continue;
      if (edges.length === q.first)
        return { edges, hasNextPage: true, endCursor: edges[edges.length - 1]!.cursor };
      const value = m.sum === null ? 1 : Number(view[m.sum as keyof typeof view] ?? 0);
      edges.push({
        cursor: encode(row.o, row.dossier_key),
        dossierId: row.dossier_id,
        agency: row.organ_code,
        value,
      });
    }
    if (rows.length < chunk) return { edges, hasNextPage: false, endCursor: edges.at(-1)?.cursor ?? null };
  }
}

const csvField = (v: string | number) => {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** Every dossier behind a figure as CSV (`dossier_id,agency,value`, one line each, CRLF). */
export function drilldownCsv(
  db: ReadModelDb,
  q: { measure: DrillMeasure; period: Period; agencyKeys: number[]; horizon: number },
): string {
  const lines = ['dossier_id,agency,value'];
  let after: string | null = null;
  for (;;) {
    const page = drilldown(db, { ...q, first: 5000, after });
    for (const e of page.edges) lines.push([e.dossierId, e.agency, e.value].map(csvField).join(','));
    if (!page.hasNextPage) break;
    after = page.endCursor;
  }
  return `${lines.join('\r\n')}\r\n`;
}
