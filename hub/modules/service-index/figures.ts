import { ServiceIndexNoMethodError, ServiceIndexUnknownCodeError } from '../../kernel/errors/index.js';
import { localDateOf } from '../../kernel/local-date.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import { CORE, CORE_FIGURES, type CoreFigure } from './contributions.js';
import { type Indicator, type Method, type MethodSet, methodAt } from './method.js';
import type { Period } from './periods.js';
import { agencyKeysOf, type Scope } from './scope.js';
import { horizonOf } from './tables.js';

export interface IndicatorFigure {
  code: string;
  name: string;
  group: string | null;
  /** Most points. */
  points: number;
  external: boolean;
  numerator: number | null;
  denominator: number | null;
  /** numerator / denominator; null when there is none. */
  value: number | null;
  /** Points earned; null when not measured (no dossiers and `whenEmpty: excluded`, or external without a report). */
  score: number | null;
  target: number;
  floor: number;
  numeratorDefinition: string | null;
  denominatorDefinition: string | null;
  sources: string[];
  assumed: string | null;
}

export interface GroupFigure {
  code: string;
  name: string;
  points: number;
  score: number;
  /** Points of the indicators measured (what `score` is out of). */
  measuredPoints: number;
  indicators: IndicatorFigure[];
}

export interface IndexFigures {
  method: Method;
  period: Period;
  scope: Scope;
  /** The day whose agency hierarchy made up the scope. */
  hierarchyOn: string;
  /** The instant in-process dossiers of the running period are judged at. */
  judgedAt: number;
  totalPoints: number;
  score: number;
  measuredPoints: number;
  groups: GroupFigure[];
  beyond: IndicatorFigure[];
  core: Record<CoreFigure, number>;
}

/** The method version in force on the period's first day. */
export function methodFor(methods: MethodSet, period: Period): Method {
  const method = methodAt(methods, period.start);
  if (!method)
    throw new ServiceIndexNoMethodError(
      period.label,
      methods.methods.map((m) => m.id),
    );
  return method;
}

/** The day whose hierarchy counts: the period's last day, or today while it runs. */
export const hierarchyDay = (period: Period, now: Date): string =>
  [localDateOf(now), period.lastDay].sort()[0]!;

const round = (n: number) => Math.round(n * 100) / 100;

function score(i: Indicator, numerator: number, denominator: number): number | null {
  if (denominator === 0) return i.whenEmpty === 'full' ? i.points : i.whenEmpty === 'none' ? 0 : null;
  const rate = numerator / denominator;
  if (rate <= i.floor) return 0;
  return round(i.points * Math.min(1, (rate - i.floor) / (i.target - i.floor)));
}

/** Sums of the counters of a period over agencies, by measure key. */
export function countersOf(db: ReadModelDb, periodKey: number, agencyKeys: number[]): Map<number, number> {
  const rows = db
    .prepare<[number, string], { measure_key: number; total: number }>(
      `SELECT measure_key, SUM(value) AS total FROM si_counts
       WHERE period_key = ? AND agency_key IN (SELECT value FROM json_each(?)) GROUP BY measure_key`,
    )
    .all(periodKey, JSON.stringify(agencyKeys));
  return new Map(rows.map((r) => [r.measure_key, r.total]));
}

/** The points a period report gives for the scope's own agency (the latest imported), if any. */
function reportedPoints(db: ReadModelDb, scope: Scope, periodKey: number): Record<string, number> {
  if (scope.kind !== 'agency' && scope.kind !== 'province') return {};
  const row = db
    .prepare<[string, number], { points: string }>(
      'SELECT points FROM si_reports WHERE agency = ? AND period_key = ? ORDER BY imported_at DESC LIMIT 1',
    )
    .get(scope.organCode, periodKey);
  return row ? (JSON.parse(row.points) as Record<string, number>) : {};
}

export function indicatorFigure(
  i: Indicator,
  counters: Map<number, number>,
  reported: Record<string, number>,
): IndicatorFigure {
  const numerator = i.numerator ? (counters.get(i.numerator.key) ?? 0) : null;
  const denominator = i.denominator ? (counters.get(i.denominator.key) ?? 0) : null;
  const external = reported[i.code];
  return {
    code: i.code,
    name: i.name,
    group: i.group,
    points: i.points,
    external: i.external,
    numerator,
    denominator,
    value: numerator !== null && denominator ? numerator / denominator : null,
    score:
      i.group === null
        ? null
        : i.external
          ? external === undefined
            ? null
            : Math.min(i.points, external)
          : score(i, numerator ?? 0, denominator ?? 0),
    target: i.target,
    floor: i.floor,
    numeratorDefinition: i.numerator ? definition(i.numerator) : null,
    denominatorDefinition: i.denominator ? definition(i.denominator) : null,
    sources: i.sources,
    assumed: i.assumed,
  };
}

const definition = (m: { of: string; text: string | null; sum: string | null }) =>
  `${m.sum ? `sum ${m.sum} over` : 'count'} ${m.of} dossiers${m.text ? ` where ${m.text}` : ''}`;

/** The index of a scope for a period: every group and indicator with its numerator, denominator and points. */
export function indexFigures(
  db: ReadModelDb,
  methods: MethodSet,
  period: Period,
  scope: Scope,
  now: Date,
): IndexFigures {
  const method = methodFor(methods, period);
  const hierarchyOn = hierarchyDay(period, now);
  const counters = countersOf(db, period.key, agencyKeysOf(db, scope, hierarchyOn));
  const reported = reportedPoints(db, scope, period.key);
  const groups = method.groups.map((g) => {
    const indicators = g.indicators.map((i) => indicatorFigure(i, counters, reported));
    const measured = indicators.filter((i) => i.score !== null);
    return {
      code: g.code,
      name: g.name,
      points: g.points,
      score: round(measured.reduce((s, i) => s + i.score!, 0)),
      measuredPoints: measured.reduce((s, i) => s + i.points, 0),
      indicators,
    };
  });
  return {
    method,
    period,
    scope,
    hierarchyOn,
    judgedAt: Math.min(period.end, horizonOf(db)),
    totalPoints: method.totalPoints,
    score: round(groups.reduce((s, g) => s + g.score, 0)),
    measuredPoints: groups.reduce((s, g) => s + g.measuredPoints, 0),
    groups,
    beyond: method.beyond.map((i) => indicatorFigure(i, counters, reported)),
    core: Object.fromEntries(CORE_FIGURES.map((f) => [f, counters.get(CORE[f]) ?? 0])) as Record<
      CoreFigure,
      number
    >,
  };
}

/** One indicator of the period's method, by code; an unknown code names the field at fault. */
export function findIndicator(method: Method, code: string, field = 'indicator'): Indicator {
  const found = method.indicators.find((i) => i.code === code);
  if (!found)
    throw new ServiceIndexUnknownCodeError(
      field,
      code,
      method.id,
      method.indicators.map((i) => i.code),
    );
  return found;
}

export function findGroupCode(method: Method, code: string, field = 'group'): void {
  if (!method.groups.some((g) => g.code === code)) {
    throw new ServiceIndexUnknownCodeError(
      field,
      code,
      method.id,
      method.groups.map((g) => g.code),
    );
  }
}
