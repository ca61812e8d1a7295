import type { ReadModelDb } from '../../kernel/read-model.js';
import { CORE, type CoreFigure } from './contributions.js';
import type { ReportFigures } from './events.js';
import { countersOf } from './figures.js';
import { type Period, previousPeriod } from './periods.js';

/** A rule of the period figures. */
export type Rule =
  | 'received = carried over + new'
  | 'finished + in progress = received'
  | 'carried over = in progress of the previous period'
  | 'report = hub';

/** A figure that breaks a rule, with the difference (`actual − expected`). */
export interface Finding {
  rule: Rule;
  /** `hub`: the hub's own counters; otherwise the source of an imported report. */
  source: string;
  /** The agency of the report, or null for the hub's figures of the scope. */
  agency: string | null;
  period: string;
  /** For `report = hub`: which figure. */
  figure: keyof ReportFigures | null;
  expected: number;
  actual: number;
  difference: number;
}

type Figures = Omit<ReportFigures, 'overdue'> & { overdue: number | null };

const finding = (f: Omit<Finding, 'difference'>): Finding => ({ ...f, difference: f.actual - f.expected });

/** The two identities every period's figures must keep, as findings for what breaks them. */
export function checkIdentities(
  f: Figures,
  source: string,
  agency: string | null,
  period: string,
): Finding[] {
  const out: Finding[] = [];
  if (f.received !== f.carriedOver + f.new) {
    out.push(
      finding({
        rule: 'received = carried over + new',
        source,
        agency,
        period,
        figure: null,
        expected: f.carriedOver + f.new,
        actual: f.received,
      }),
    );
  }
  if (f.finished + f.inProgress !== f.received) {
    out.push(
      finding({
        rule: 'finished + in progress = received',
        source,
        agency,
        period,
        figure: null,
        expected: f.received,
        actual: f.finished + f.inProgress,
      }),
    );
  }
  return out;
}

function hubFigures(db: ReadModelDb, period: Period, agencyKeys: number[]): Figures {
  const c = countersOf(db, period.key, agencyKeys);
  const get = (f: CoreFigure) => c.get(CORE[f]) ?? 0;
  return {
    carriedOver: get('carried-over'),
    new: get('new'),
    received: get('received'),
    finished: get('finished'),
    inProgress: get('in-progress'),
    overdue: get('overdue'),
  };
}

export interface Reconciliation {
  period: string;
  hub: Figures;
  reports: {
    source: string;
    agency: string;
    importedAt: string;
    eventId: string;
    figures: Figures;
    hub: Figures;
  }[];
  findings: Finding[];
}

interface ReportRow {
  agency: string;
  source: string;
  event_id: string;
  imported_at: string;
  figures: string;
  agency_key: number | null;
}

/**
 * The reconciliation of a period for the agencies of a scope: the hub's own figures against the
 * identities and against the previous period's (what was in progress at its end is what is carried
 * over), and every imported report of those agencies — or of `anchor`, the scope's own agency —
 * against the identities and against the hub's figures for the same agency. Nothing that breaks a
 * rule is dropped: each break is a finding with its difference.
 */
export function reconcile(
  db: ReadModelDb,
  period: Period,
  agencyKeys: number[],
  anchor: string | null,
  scopeKeysOf: (organCode: string) => number[],
): Reconciliation {
  const hub = hubFigures(db, period, agencyKeys);
  const findings = checkIdentities(hub, 'hub', null, period.label);
  const previous = previousPeriod(period);
  const before = hubFigures(db, previous, agencyKeys);
  if (before.inProgress !== hub.carriedOver) {
    findings.push(
      finding({
        rule: 'carried over = in progress of the previous period',
        source: 'hub',
        agency: null,
        period: period.label,
        figure: null,
        expected: before.inProgress,
        actual: hub.carriedOver,
      }),
    );
  }
  const rows = db
    .prepare<[number], ReportRow>(
      `SELECT r.agency, r.source, r.event_id, r.imported_at, r.figures, a.agency_key
       FROM si_reports r LEFT JOIN si_agencies a ON a.organ_code = r.agency
       WHERE r.period_key = ? ORDER BY r.agency, r.source`,
    )
    .all(period.key);
  const inScope = new Set(agencyKeys);
  const reports = rows
    .filter((r) => r.agency === anchor || (r.agency_key !== null && inScope.has(r.agency_key)))
    .map((r) => {
      const figures = JSON.parse(r.figures) as Figures;
      const own = hubFigures(db, period, r.agency === anchor ? agencyKeys : scopeKeysOf(r.agency));
      findings.push(...checkIdentities(figures, r.source, r.agency, period.label));
      for (const figure of ['carriedOver', 'new', 'received', 'finished', 'inProgress', 'overdue'] as const) {
        const reported = figures[figure];
        if (reported === null || reported === own[figure]) continue;
        findings.push(
          finding({
            rule: 'report = hub',
            source: r.source,
            agency: r.agency,
            period: period.label,
            figure,
            expected: own[figure]!,
            actual: reported,
          }),
        );
      }
      return {
        source: r.source,
        agency: r.agency,
        importedAt: r.imported_at,
        eventId: r.event_id,
        figures,
        hub: own,
      };
    });
  return { period: period.label, hub, reports, findings };
}
