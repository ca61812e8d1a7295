import { DataQualityInputError } from '../../kernel/errors/index.js';
import { prepared, type ReadModelDb } from '../../kernel/read-model.js';
import type {
  DataQualityFindingClosedData,
  DataQualityFindingRaisedData,
  QualityDimension,
  QualityMetric,
  ThresholdBound,
} from './events.js';

/** A finding as the read model holds it: what its raise said, and its closing. */
export interface FindingView
  extends Pick<
    DataQualityFindingRaisedData,
    | 'dataset'
    | 'source'
    | 'dimension'
    | 'metric'
    | 'field'
    | 'figure'
    | 'threshold'
    | 'bound'
    | 'since'
    | 'examples'
  > {
  id: string;
  count: number | null;
  of: number | null;
  raisedAt: string;
  open: boolean;
  closedAt: string | null;
  closingFigure: number | null;
  closeReason: DataQualityFindingClosedData['reason'] | null;
}

export interface FindingPage {
  findings: FindingView[];
  /** Pass as `after` for the next page; null on the last page. */
  nextCursor: string | null;
  /** Findings that match, over every page. */
  total: number;
}

export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 100;

interface Row {
  finding_id: string;
  dataset: string;
  source: string;
  dimension: QualityDimension;
  metric: QualityMetric;
  field: string | null;
  bound: ThresholdBound;
  figure: number;
  threshold: number;
  count: number | null;
  of: number | null;
  since: string;
  raised_at: string;
  position: number;
  examples: string;
  closed_at: string | null;
  closing_figure: number | null;
  close_reason: FindingView['closeReason'];
}

const viewOf = (r: Row): FindingView => ({
  id: r.finding_id,
  dataset: r.dataset,
  source: r.source,
  dimension: r.dimension,
  metric: r.metric,
  field: r.field,
  figure: r.figure,
  threshold: r.threshold,
  bound: r.bound,
  count: r.count,
  of: r.of,
  since: r.since,
  raisedAt: r.raised_at,
  open: r.closed_at === null,
  closedAt: r.closed_at,
  closingFigure: r.closing_figure,
  closeReason: r.close_reason,
  examples: JSON.parse(r.examples),
});

const WHERE = {
  any: '1 = 1',
  open: 'closed_at IS NULL',
  closed: 'closed_at IS NOT NULL',
} as const;

/**
 * Findings newest first (by the position of their raise), `first` at a time (1–100, default 20),
 * after the cursor a previous page gave; `open` true: open ones only, false: closed ones only.
 */
export function findingsPage(
  db: ReadModelDb,
  args: { open?: boolean | null; first?: number | null; after?: string | null },
): FindingPage {
  const first = args.first ?? DEFAULT_PAGE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE)
    throw new DataQualityInputError('first', `must be a whole number from 1 to ${MAX_PAGE}`);
  let before = Number.MAX_SAFE_INTEGER;
  if (args.after !== undefined && args.after !== null) {
    if (!/^[1-9][0-9]{0,15}$/.test(args.after))
      throw new DataQualityInputError('after', 'not a cursor of this list (pass nextCursor)');
    before = Number(args.after);
  }
  const where = WHERE[args.open === true ? 'open' : args.open === false ? 'closed' : 'any'];
  const rows = prepared<[number, number], Row>(
    db,
    `SELECT * FROM dq_findings WHERE ${where} AND position < ? ORDER BY position DESC LIMIT ?`,
  ).all(before, first + 1);
  const total = prepared<[], { n: number }>(db, `SELECT count(*) AS n FROM dq_findings WHERE ${where}`).get()!
    .n;
  const page = rows.slice(0, first);
  return {
    findings: page.map(viewOf),
    nextCursor: rows.length > first ? String(page[page.length - 1]!.position) : null,
    total,
  };
}

/** One finding by its id. */
export function findingById(db: ReadModelDb, id: string): FindingView | undefined {
  const row = prepared<[string], Row>(db, 'SELECT * FROM dq_findings WHERE finding_id = ?').get(id);
  return row && viewOf(row);
}

/** How many findings are open, by dataset and dimension. */
export function openFindingCounts(
  db: ReadModelDb,
): { dataset: string; dimension: QualityDimension; n: number }[] {
  return prepared<[], { dataset: string; dimension: QualityDimension; n: number }>(
    db,
    'SELECT dataset, dimension, count(*) AS n FROM dq_findings WHERE closed_at IS NULL GROUP BY dataset, dimension',
  ).all();
}
