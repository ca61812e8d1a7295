import { ServiceIndexInputError } from '../../kernel/errors/index.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import type { CoreFigure } from './contributions.js';
import { coreMeasure, type DrillMeasure, type DrillPage, drilldown, drilldownCsv } from './drilldown.js';
import {
  countersOf,
  findGroupCode,
  findIndicator,
  hierarchyDay,
  type IndexFigures,
  indexFigures,
  methodFor,
} from './figures.js';
import type { MethodSet } from './method.js';
import { parsePeriod } from './periods.js';
import { type Reconciliation, reconcile } from './reconciliation.js';
import { agencyKeysOf, type Scope } from './scope.js';
import { horizonOf } from './tables.js';

/** What a drill-down names: an indicator's part, or a reconciliation figure. */
export type FigureRef = { indicator: string; part: 'numerator' | 'denominator' } | { figure: CoreFigure };

/**
 * The read side of the service index over one read-model connection: the index, its groups and
 * indicators, the drill-down and its CSV, the reconciliation. `now` is the caller's clock (the
 * day whose hierarchy counts while a period runs).
 */
export class ServiceIndexQueries {
  constructor(
    private readonly db: ReadModelDb,
    readonly methods: MethodSet,
    private readonly clock: () => Date,
  ) {}

  horizon(): number {
    return horizonOf(this.db);
  }

  index(period: string, scope: Scope): IndexFigures {
    return indexFigures(this.db, this.methods, parsePeriod(period), scope, this.clock());
  }

  group(period: string, scope: Scope, group: string) {
    const figures = this.index(period, scope);
    findGroupCode(figures.method, group);
    return figures.groups.find((g) => g.code === group)!;
  }

  indicator(period: string, scope: Scope, indicator: string) {
    const figures = this.index(period, scope);
    findIndicator(figures.method, indicator);
    return [...figures.groups.flatMap((g) => g.indicators), ...figures.beyond].find(
      (i) => i.code === indicator,
    )!;
  }

  private drill(period: string, scope: Scope, ref: FigureRef) {
    const p = parsePeriod(period);
    let measure: DrillMeasure;
    if ('figure' in ref) measure = coreMeasure(ref.figure);
    else {
      const indicator = findIndicator(methodFor(this.methods, p), ref.indicator);
      const m = ref.part === 'numerator' ? indicator.numerator : indicator.denominator;
      if (!m)
        throw new ServiceIndexInputError(
          'indicator',
          `${ref.indicator} is measured outside the hub: it has no dossiers`,
        );
      measure = m;
    }
    const agencyKeys = agencyKeysOf(this.db, scope, hierarchyDay(p, this.clock()));
    return { measure, period: p, agencyKeys, horizon: this.horizon() };
  }

  dossiers(
    period: string,
    scope: Scope,
    ref: FigureRef,
    page: { first?: number; after?: string | null },
  ): DrillPage & { total: number } {
    const first = page.first ?? 50;
    if (!Number.isInteger(first) || first < 1 || first > 500)
      throw new ServiceIndexInputError('first', 'must be from 1 to 500');
    const q = this.drill(period, scope, ref);
    const total = countersOf(this.db, q.period.key, q.agencyKeys).get(q.measure.key) ?? 0;
    return { ...drilldown(this.db, { ...q, first, after: page.after }), total };
  }

  csv(period: string, scope: Scope, ref: FigureRef): string {
    return drilldownCsv(this.db, this.drill(period, scope, ref));
  }

  reconciliation(period: string, scope: Scope): Reconciliation {
    const p = parsePeriod(period);
    const day = hierarchyDay(p, this.clock());
    const anchor = scope.kind === 'agency' || scope.kind === 'province' ? scope.organCode : null;
    return reconcile(this.db, p, agencyKeysOf(this.db, scope, day), anchor, (organCode) =>
      agencyKeysOf(this.db, { kind: 'agency', organCode }, day),
    );
  }
}
