import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReadModelDb } from '../../kernel/read-model.js';
import { drilldown } from './drilldown.js';
import { type IndexFigures, indexFigures } from './figures.js';
import { parsePeriod } from './periods.js';
import { defaultMethods, ServiceIndexModel, serviceIndexProjection } from './projection.js';
import { ServiceIndexQueries } from './queries.js';
import { applyInBatches, History } from './spec-history.js';

/**
 * March 2026 at one commune, worked out by hand. Times are UTC (Vietnam is UTC+7, so March runs
 * from 2026-02-28T17:00Z to 2026-03-31T17:00Z). P1 (1.000001) needs no paper result and has no
 * fee; P2 (1.000002) requires a paper result and charges a fee.
 *
 * | dossier | channel | proc | entered | what happened                                              | March                          |
 * | ------- | ------- | ---- | ------- | ---------------------------------------------------------- | ------------------------------ |
 * | D0      | desk    | P1   | 02-20   | due 03-05, electronic result 03-03                          | carried over, finished on time |
 * | D1      | online  | P1   | 03-02   | TP1 reused, TP2 uploaded, due 03-10, e-result 03-09, rated 5 | new, finished on time          |
 * | D2      | online  | P2   | 03-03   | TP1 uploaded, fee paid online, due 03-12, paper result 03-11 | new, finished on time          |
 * | D3      | desk    | P1   | 03-04   | TP1 uploaded and digitised, due 03-09, e-result 03-13, rated 2 | new, finished late           |
 * | D4      | online  | P1   | 03-05   | TP1 asked again, refused 03-05                               | new, finished (not late)       |
 * | D5      | desk    | P2   | 03-06   | due 03-20, supplement 03-07, supplied 03-09 (due 03-23), fee paid at desk, supplement again 03-10 | new, in progress, overdue (second supplement) |
 * | D6      | online  | P1   | 03-25   | due 04-05                                                   | new, in progress, in time      |
 * | D7      | desk    | P1   | 03-26   | due 03-30                                                   | new, in progress, overdue once the clock passes 03-30 |
 * | D8      | online  | P1   | 03-27   | withdrawn 03-28                                             | new, finished (not late)       |
 *
 * Declaration fields (prefilled/typed): D1 8/2, D2 5/5, D3 0/10, D4 6/4, D5 3/7, D6 9/1, D7 0/10, D8 10/0.
 */
const A = '000.04.01.H26';
const B = '000.08.01.H26';
const day = (d: string, hour = 3) => `2026-${d}T${String(hour).padStart(2, '0')}:00:00.000Z`;
const id = (n: number) => `${A}-2603${String(n).padStart(2, '0')}-000${n}`;

function history(): History {
  const h = new History();
  h.procedure('1.000001', 1, { paperResultRequired: false, fee: 0 }, day('01-01'));
  h.procedure('1.000002', 1, { paperResultRequired: true, fee: 50_000 }, day('01-01'));
  const d0 = h
    .dossier(id(10))
    .submit(day('02-20'), { agency: A, channel: 'desk', procedure: '1.000001', prefilled: 4, typed: 6 });
  d0.receive(day('02-20', 4), day('03-05', 10));
  h.dossier(id(1))
    .submit(day('03-02'), { agency: A, channel: 'online', procedure: '1.000001', prefilled: 8, typed: 2 })
    .component(day('03-02'), 'TP1', 'reused')
    .component(day('03-02'), 'TP2', 'uploaded')
    .receive(day('03-02', 4), day('03-10', 10));
  h.dossier(id(2))
    .submit(day('03-03'), { agency: A, channel: 'online', procedure: '1.000002', prefilled: 5, typed: 5 })
    .component(day('03-03'), 'TP1', 'uploaded')
    .receive(day('03-03', 4), day('03-12', 10));
  d0.approve(day('03-03')).result(day('03-03', 5), { electronic: true, paper: false });
  h.dossier(id(3))
    .submit(day('03-04'), { agency: A, channel: 'desk', procedure: '1.000001', prefilled: 0, typed: 10 })
    .component(day('03-04'), 'TP1', 'uploaded')
    .receive(day('03-04', 4), day('03-09', 10));
  h.digitised(id(3), 'TP1', day('03-04', 5));
  h.dossier(id(4))
    .submit(day('03-05'), { agency: A, channel: 'online', procedure: '1.000001', prefilled: 6, typed: 4 })
    .component(day('03-05'), 'TP1', 'asked-again')
    .refuse(day('03-05', 6));
  h.dossier(id(2)).notify(day('03-05'), 'fee-1', 50_000).pay(day('03-06'), 'fee-1', 50_000, 'online');
  const d5 = h
    .dossier(id(5))
    .submit(day('03-06'), { agency: A, channel: 'desk', procedure: '1.000002', prefilled: 3, typed: 7 });
  d5.receive(day('03-06', 4), day('03-20', 10))
    .supplement(day('03-07'))
    .supply(day('03-09'), day('03-07'), day('03-23', 10));
  d5.notify(day('03-09', 5), 'fee-1', 50_000)
    .pay(day('03-09', 6), 'fee-1', 50_000, 'desk')
    .supplement(day('03-10'));
  h.dossier(id(1))
    .approve(day('03-09'))
    .result(day('03-09', 5), { electronic: true, paper: false })
    .returned(day('03-09', 6))
    .rate(day('03-09', 7), 5);
  h.dossier(id(2)).approve(day('03-11')).result(day('03-11', 5), { electronic: false, paper: true });
  h.dossier(id(3))
    .approve(day('03-13'))
    .result(day('03-13', 5), { electronic: true, paper: false })
    .returned(day('03-13', 6))
    .rate(day('03-13', 7), 2);
  h.dossier(id(6))
    .submit(day('03-25'), { agency: A, channel: 'online', procedure: '1.000001', prefilled: 9, typed: 1 })
    .receive(day('03-25', 4), day('04-05', 10));
  h.dossier(id(7))
    .submit(day('03-26'), { agency: A, channel: 'desk', procedure: '1.000001', prefilled: 0, typed: 10 })
    .receive(day('03-26', 4), day('03-30', 10));
  h.dossier(id(8))
    .submit(day('03-27'), { agency: A, channel: 'online', procedure: '1.000001', prefilled: 10, typed: 0 })
    .withdraw(day('03-28'));
  // another agency's dossier: never in A's figures
  h.dossier(`${B}-260310-0001`).submit(day('03-10'), {
    agency: B,
    channel: 'online',
    procedure: '1.000001',
    prefilled: 1,
    typed: 1,
  });
  return h;
}

let db: ReadModelDb;
let model: ServiceIndexModel;
const methods = defaultMethods();
const march = parsePeriod('2026-03');
const scope = { kind: 'agency', organCode: A } as const;
const figures = (period = march): IndexFigures =>
  indexFigures(db, methods, period, scope, new Date(day('04-10')));
const indicator = (f: IndexFigures, code: string) =>
  [...f.groups.flatMap((g) => g.indicators), ...f.beyond].find((i) => i.code === code)!;
const agencyKeys = () =>
  db.prepare<[string], number>('SELECT agency_key FROM si_agencies WHERE organ_code = ?').pluck().all(A);

beforeAll(() => {
  db = new Database(':memory:') as unknown as ReadModelDb;
  const handler = serviceIndexProjection(methods).open(db);
  applyInBatches(db, handler, history().events, 7);
  model = new ServiceIndexModel(db, methods);
});

describe('a hand-computed month', () => {
  it('is judged at the latest event until the clock passes the deadlines (D7 due 03-30 is not yet overdue)', () => {
    const f = figures();
    expect(f.core).toEqual({
      new: 8,
      'carried-over': 1,
      received: 9,
      finished: 6,
      'in-progress': 3,
      overdue: 2,
    });
    model.advance(Date.parse(day('04-10')));
    expect(figures().core.overdue).toBe(3);
  });

  it('counts every numerator and denominator as worked out on paper', () => {
    const f = figures();
    expect(f.core).toEqual({
      new: 8,
      'carried-over': 1,
      received: 9,
      finished: 6,
      'in-progress': 3,
      overdue: 3,
    });
    const nd = (code: string) => [
      indicator(f, code).numerator,
      indicator(f, code).denominator,
      indicator(f, code).score,
    ];
    // received 9 (D0–D8); overdue D3 (late), D5 (second supplement), D7 (deadline passed): 6 / 9 → 20 × 2/3
    expect(nd('on-time')).toEqual([6, 9, 13.33]);
    // new 8; online and (no paper required or e-result): D1, D4, D6, D8 (D2 needs paper, got none electronic) → 12 × 0.5 / 0.8
    expect(nd('online-dossiers')).toEqual([4, 8, 7.5]);
    // finished with a fee: D2 (D5 pays too but is not finished); paid online: D2 → 10 × 1
    expect(nd('online-payment')).toEqual([1, 1, 10]);
    // finished with a result: D0, D1, D2, D3; digitised inputs and e-result: D1 (online), D3 (digitised) → 8 × 0.5
    expect(nd('digitised-dossiers')).toEqual([2, 4, 4]);
    // e-results: D0, D1, D3 → 7 × 0.75
    expect(nd('electronic-results')).toEqual([3, 4, 5.25]);
    // new with a component: D1, D2, D3, D4; with one reused: D1 → 7 × 0.25
    expect(nd('reuse')).toEqual([1, 4, 1.75]);
    // received 9 minus overdue or dissatisfied (D3 rated 2/5, also overdue): 6 / 9 → 6 × (2/3) / 0.9
    expect(nd('dossier-satisfaction')).toEqual([6, 9, 4.44]);
    // beyond: components asked again 1 (D4) of 5 resolved (D1 2, D2 1, D3 1, D4 1); fields typed 39 of 80
    expect(nd('asked-again')).toEqual([1, 5, null]);
    expect(nd('typed-fields')).toEqual([39, 80, null]);
  });

  it('adds groups and the index over what is measured (external indicators wait for a report)', () => {
    const f = figures();
    expect(f.groups.map((g) => [g.code, g.score, g.measuredPoints])).toEqual([
      ['transparency', 0, 0],
      ['progress', 13.33, 20],
      ['online', 17.5, 22],
      ['digitisation', 11, 22],
      ['satisfaction', 4.44, 6],
    ]);
    expect([f.score, f.measuredPoints, f.totalPoints]).toEqual([46.27, 70, 100]);
    expect(indicator(f, 'procedures-published-on-time').score).toBeNull();
  });

  it('carries D0 over from February, where it was new and still in progress', () => {
    expect(figures(parsePeriod('2026-02')).core).toEqual({
      new: 1,
      'carried-over': 0,
      received: 1,
      finished: 0,
      'in-progress': 1,
      overdue: 0,
    });
    expect(figures(parsePeriod('2026-Q1')).core).toEqual({
      new: 9,
      'carried-over': 0,
      received: 9,
      finished: 6,
      'in-progress': 3,
      overdue: 3,
    });
  });

  it('lists the dossiers behind each figure, exactly those counted', () => {
    const horizon = model.horizon();
    const ids = (code: string, part: 'numerator' | 'denominator') => {
      const i = methods.methods[0]!.indicators.find((x) => x.code === code)!;
      return drilldown(db, {
        measure: i[part]!,
        period: march,
        agencyKeys: agencyKeys(),
        horizon,
        first: 100,
      })
        .edges.map((e) => e.dossierId)
        .sort();
    };
    expect(ids('on-time', 'denominator')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 10].map(id).sort());
    expect(ids('on-time', 'numerator')).toEqual([1, 2, 4, 6, 8, 10].map(id).sort());
    expect(ids('online-dossiers', 'numerator')).toEqual([1, 4, 6, 8].map(id).sort());
    expect(ids('digitised-dossiers', 'numerator')).toEqual([1, 3].map(id).sort());
    expect(ids('reuse', 'numerator')).toEqual([id(1)]);
  });

  it('pages the drill-down by keyset and exports it as CSV', () => {
    const queries = new ServiceIndexQueries(db, methods, () => new Date(day('04-10')));
    const ref = { indicator: 'on-time', part: 'denominator' } as const;
    const first = queries.dossiers('2026-03', scope, ref, { first: 4 });
    expect([first.total, first.edges.length, first.hasNextPage]).toEqual([9, 4, true]);
    const rest = queries.dossiers('2026-03', scope, ref, { first: 10, after: first.endCursor });
    expect(rest.edges.length).toBe(5);
    expect(new Set([...first.edges, ...rest.edges].map((e) => e.dossierId)).size).toBe(9);
    const csv = queries.csv('2026-03', scope, { indicator: 'typed-fields', part: 'numerator' });
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('dossier_id,agency,value');
    expect(lines.slice(1).reduce((s, l) => s + Number(l.split(',')[2]), 0)).toBe(39);
  });
});
