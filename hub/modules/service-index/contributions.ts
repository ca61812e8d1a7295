import type { FactValue } from './expression.js';
import { type DossierRecord, overdueAt, staticFacts } from './facts.js';
import { type Measure, type MethodSet, methodAt, type Population } from './method.js';
import { periodKeysOverlapping, periodOfKey } from './periods.js';

/**
 * Counters every period keeps whatever the method: the reconciliation figures (received = carried
 * over + new; finished + in progress = received) and the overdue count.
 */
export const CORE = {
  new: 1,
  'carried-over': 2,
  received: 3,
  finished: 4,
  'in-progress': 5,
  overdue: 6,
} as const;
export type CoreFigure = keyof typeof CORE;
export const CORE_FIGURES = Object.keys(CORE) as CoreFigure[];

/** A counter of one period: `periodKey × 1000 + measureKey` (measure keys stay below 1000). */
export const slot = (periodKey: number, measureKey: number) => periodKey * 1000 + measureKey;

function inPopulation(of: Population, r: DossierRecord, start: number, end: number): boolean {
  switch (of) {
    case 'new':
      return r.enteredAt >= start;
    case 'carried-over':
      return r.enteredAt < start;
    case 'received':
      return true;
    case 'finished':
      return r.finishedAt !== null && r.finishedAt >= start && r.finishedAt < end;
    case 'in-progress':
      return r.finishedAt === null || r.finishedAt >= end;
  }
}

/** Whether the dossier is in the measure for a period, as the period's view of its facts says. */
export function counts(
  m: Pick<Measure, 'of' | 'predicate'>,
  r: DossierRecord,
  view: Readonly<Record<string, FactValue>>,
  start: number,
  end: number,
) {
  return inPopulation(m.of, r, start, end) && (m.predicate === null || m.predicate(view));
}

/**
 * What one dossier adds to the counters of every period it belongs to (from the period it entered
 * in to the one it finished in, or to the horizon's while it runs), as the horizon — the latest
 * instant the index has seen, from events or the clock — stands. A pure function of the record
 * and the horizon: the projection keeps counters equal to the sum of this over every dossier.
 */
export function contributions(r: DossierRecord, horizon: number, set: MethodSet): Map<number, number> {
  const out = new Map<number, number>();
  const h = Math.max(horizon, r.enteredAt);
  const last = Math.min(r.finishedAt ?? h, h);
  const view: Record<string, FactValue> = staticFacts(r);
  const add = (key: number, value: number) => {
    if (value !== 0) out.set(key, (out.get(key) ?? 0) + value);
  };
  for (const periodKey of periodKeysOverlapping(r.enteredAt, last)) {
    const { start, end } = periodOfKey(periodKey);
    const overdue = overdueAt(r, end, Math.min(end, h));
    view.overdue = overdue;
    for (const figure of CORE_FIGURES) {
      const member = figure === 'overdue' ? overdue : inPopulation(figure, r, start, end);
      if (member) add(slot(periodKey, CORE[figure]), 1);
    }
    const method = methodAt(set, start);
    if (!method) continue;
    for (const m of method.measures) {
      if (!counts(m, r, view, start, end)) continue;
      add(slot(periodKey, m.key), m.sum === null ? 1 : Number(view[m.sum] ?? 0));
    }
  }
  return out;
}

/** `after − before`, slot by slot (zeros left out). */
export function difference(
  before: Map<number, number> | null,
  after: Map<number, number> | null,
): Map<number, number> {
  const out = new Map<number, number>();
  if (after) for (const [k, v] of after) out.set(k, v - (before?.get(k) ?? 0));
  if (before) for (const [k, v] of before) if (!after?.has(k)) out.set(k, -v);
  for (const [k, v] of out) if (v === 0) out.delete(k);
  return out;
}
