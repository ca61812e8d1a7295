import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../demo/random.js';
import { openSqliteEventStore } from '../../eventstore/sqlite.js';
import type { AppendRequest, EventStore } from '../../kernel/event-store.js';
import type { ProjectionDefinition } from '../../kernel/projection.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import { openReadModelDb } from '../../projections/db.js';
import { ProjectionRunner } from '../../projections/runner.js';
import { silentLogger, tempDir } from '../../testing/temp.js';
import { CORE_FIGURES, contributions } from './contributions.js';
import { coreMeasure, drilldown } from './drilldown.js';
import type { DossierRecord } from './facts.js';
import { periodOfKey } from './periods.js';
import {
  defaultMethods,
  SERVICE_INDEX_MODEL,
  ServiceIndexModel,
  serviceIndexProjection,
} from './projection.js';
import { checkIdentities, reconcile } from './reconciliation.js';
import { applyInBatches, History } from './spec-history.js';

/**
 * Random event histories (a seeded generator: the same seed, the same history), applied live —
 * in batches of random size, with the clock ticking in between — and rebuilt from zero with one
 * tick at the end: both read models must be equal, equal to the sum of every dossier's
 * contributions, and every counter must equal what its drill-down lists.
 */
const random = seededRandom;

const AGENCIES = ['000.04.01.H26', '000.08.01.H26', '000.70.01.H26'];
const HOUR = 3_600_000;
const START = Date.parse('2025-12-20T00:00:00Z');

function generate(seed: number, dossiers: number): History {
  const r = random(seed);
  const h = new History();
  h.procedure('1.000001', 1, { paperResultRequired: false, fee: 0 }, new Date(START - HOUR).toISOString());
  h.procedure(
    '1.000002',
    1,
    { paperResultRequired: true, fee: 50_000 },
    new Date(START - HOUR).toISOString(),
  );
  const timed: { at: number; write: () => void }[] = [];
  for (let n = 1; n <= dossiers; n++) {
    const agency = r.pick(AGENCIES);
    const id = `${agency}-260101-${String(n).padStart(4, '0')}`;
    let t = START + r.int(0, 120 * 24) * HOUR;
    const steps: [number, (d: ReturnType<History['dossier']>, at: string) => void][] = [];
    const step = (gapHours: number, f: (d: ReturnType<History['dossier']>, at: string) => void) => {
      t += gapHours * HOUR;
      steps.push([t, f]);
    };
    const channel = r.pick(['online', 'desk', 'postal'] as const);
    step(0, (d, at) =>
      d.submit(at, {
        agency,
        channel,
        procedure: r.pick(['1.000001', '1.000002']),
        prefilled: r.int(0, 8),
        typed: r.int(0, 8),
      }),
    );
    for (let c = r.int(0, 3); c > 0; c--) {
      const code = `TP${c}`;
      step(0, (d, at) => d.component(at, code, r.pick(['reused', 'uploaded', 'asked-again'] as const)));
      if (r.next() < 0.3) step(1, (_d, at) => h.digitised(id, code, at));
    }
    if (r.next() < 0.1) step(r.int(1, 48), (d, at) => d.refuse(at));
    else {
      let due = t + r.int(24, 20 * 24) * HOUR;
      step(1, (d, at) => d.receive(at, new Date(due).toISOString()));
      for (let s = r.int(0, 3); s > 0; s--) {
        step(r.int(1, 200), (d, at) => d.supplement(at));
        const pausedAt = new Date(t).toISOString();
        if (r.next() < 0.8) {
          due += r.int(1, 100) * HOUR;
          const moved = new Date(due).toISOString();
          step(r.int(1, 200), (d, at) => d.supply(at, pausedAt, moved));
        } else break;
      }
      if (r.next() < 0.3) {
        step(r.int(1, 50), (d, at) => d.notify(at, 'fee-1', 50_000));
        if (r.next() < 0.8)
          step(r.int(1, 50), (d, at) => d.pay(at, 'fee-1', 50_000, r.pick(['online', 'desk'] as const)));
      }
      if (r.next() < 0.1) {
        const to = r.pick(AGENCIES.filter((a) => a !== agency));
        step(r.int(1, 50), (d, at) => d.transfer(at, agency, to));
      }
      const end = r.next();
      if (end < 0.55) {
        step(r.int(1, 400), (d, at) => d.result(at, { electronic: r.next() < 0.7, paper: r.next() < 0.5 }));
        if (r.next() < 0.5) step(r.int(1, 48), (d, at) => d.returned(at).rate(at, r.int(1, 5)));
      } else if (end < 0.65) step(r.int(1, 400), (d, at) => d.reject(at));
      else if (end < 0.72) step(r.int(1, 400), (d, at) => d.stop(at));
      else if (end < 0.8) step(r.int(1, 400), (d, at) => d.withdraw(at));
    }
    const d = h.dossier(id);
    // a dossier's own events stay in order; dossiers interleave by time
    let order = 0;
    for (const [at, f] of steps)
      timed.push({ at: at + order++ * 1e-3, write: () => f(d, new Date(at).toISOString()) });
  }
  timed.sort((a, b) => a.at - b.at);
  for (const e of timed) e.write();
  return h;
}

function dump(db: ReadModelDb) {
  return {
    counts: db
      .prepare(
        `SELECT c.period_key, a.organ_code, c.measure_key, c.value FROM si_counts c JOIN si_agencies a USING (agency_key)
         WHERE c.value != 0 ORDER BY 1, 2, 3`,
      )
      .all(),
    dossiers: db
      .prepare('SELECT * FROM si_dossiers ORDER BY dossier_id')
      .all()
      .map((row) => {
        const { dossier_key: _k, agency_key: _a, ...rest } = row as Record<string, unknown>;
        return rest;
      }),
    horizon: db.prepare("SELECT value FROM si_meta WHERE name = 'horizon'").pluck().get(),
  };
}

const methods = defaultMethods();
const openDb = () => new Database(':memory:') as unknown as ReadModelDb;

describe('the service index projection over random histories', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`is the same built live (random batches, the clock ticking) and rebuilt from zero (seed ${seed})`, () => {
      const r = random(seed * 7919);
      const events = generate(seed, 80).events;
      const last = Math.max(...events.map((e) => Date.parse(e.metadata.occurredAt)));

      const live = openDb();
      const liveHandler = serviceIndexProjection(methods).open(live);
      const liveModel = new ServiceIndexModel(live, methods);
      let clock = START;
      for (let i = 0; i < events.length; ) {
        const size = r.int(1, 40);
        applyInBatches(live, liveHandler, events.slice(i, i + size), size);
        i += size;
        if (r.next() < 0.3) {
          clock = Math.max(
            clock,
            Date.parse(events[Math.min(i, events.length) - 1]!.metadata.occurredAt) + r.int(0, 240) * HOUR,
          );
          liveModel.advance(clock);
        }
      }
      const end = Math.max(clock, last) + 48 * HOUR;
      liveModel.advance(end);

      const rebuilt = openDb();
      applyInBatches(rebuilt, serviceIndexProjection(methods).open(rebuilt), events, 1000);
      new ServiceIndexModel(rebuilt, methods).advance(end);

      const a = dump(live);
      expect(a.counts.length).toBeGreaterThan(100);
      expect(dump(rebuilt)).toEqual(a);

      // the in-memory rebuild (what `runner.rebuild` uses) writes the same read model
      const inMemory = openDb();
      const handler = serviceIndexProjection(methods).open(inMemory);
      const rebuilder = handler.rebuilder!();
      for (const e of events) rebuilder.apply(e);
      inMemory.transaction(() => {
        handler.reset();
        rebuilder.write();
      })();
      new ServiceIndexModel(inMemory, methods).advance(end);
      expect(dump(inMemory)).toEqual(a);

      // counters = Σ contributions of the final records at the final horizon
      const expected = new Map<string, number>();
      for (const row of live.prepare<[], { record: string }>('SELECT record FROM si_dossiers').all()) {
        const rec = JSON.parse(row.record) as DossierRecord;
        for (const [slot, v] of contributions(rec, end, methods)) {
          const key = `${Math.floor(slot / 1000)}/${rec.agency}/${slot % 1000}`;
          expected.set(key, (expected.get(key) ?? 0) + v);
        }
      }
      const actual = new Map(
        (a.counts as { period_key: number; organ_code: string; measure_key: number; value: number }[]).map(
          (c) => [`${c.period_key}/${c.organ_code}/${c.measure_key}`, c.value],
        ),
      );
      expect(actual).toEqual(new Map([...expected].filter(([, v]) => v !== 0)));

      // every counter of every agency equals what its drill-down lists; the identities hold
      const keys = live.prepare<[], { agency_key: number }>('SELECT agency_key FROM si_agencies').all();
      const measures = [...CORE_FIGURES.map(coreMeasure), ...methods.methods[0]!.measures];
      const periods = [...new Set((a.counts as { period_key: number }[]).map((c) => c.period_key))];
      for (const periodKey of periods) {
        const period = periodOfKey(periodKey);
        for (const { agency_key } of keys) {
          for (const m of measures) {
            const counter =
              live
                .prepare<[number, number, number], number>(
                  'SELECT value FROM si_counts WHERE period_key = ? AND agency_key = ? AND measure_key = ?',
                )
                .pluck()
                .get(periodKey, agency_key, m.key) ?? 0;
            const listed = drilldown(live, {
              measure: m,
              period,
              agencyKeys: [agency_key],
              horizon: end,
              first: 500,
            }).edges;
            expect(
              listed.reduce((s, e) => s + e.value, 0),
              `${period.label} agency ${agency_key} measure ${m.key}`,
            ).toBe(counter);
          }
          const rec = reconcile(live, period, [agency_key], null, () => []);
          expect(rec.findings, `${period.label} agency ${agency_key}`).toEqual([]);
          expect(checkIdentities(rec.hub, 'hub', null, period.label)).toEqual([]);
        }
      }
    });
  }
});

describe('the service index rebuilt from a real store', () => {
  /** The store without its own fields reads (as KurrentDB): the rebuild decodes whole events. */
  const decoding = (store: EventStore): EventStore =>
    new Proxy(store, {
      get: (target, key) => {
        if (key === 'readFields' || key === 'readerSpec') return undefined;
        const value = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });

  for (const seed of [5, 6]) {
    it(`is the same from fields read in SQL, in two threads or one, as folded page by page (seed ${seed})`, async () => {
      const temp = tempDir();
      const store = await openSqliteEventStore({
        file: path.join(temp.dir, 'events.db'),
        logger: silentLogger(),
      });
      try {
        const events = generate(seed, 120).events;
        const requests: AppendRequest[] = events.map((e) => ({
          stream: e.stream,
          events: [{ id: e.id, type: e.type, data: e.data, metadata: e.metadata }],
          expectedRevision: e.revision === 0 ? 'no_stream' : e.revision - 1,
        }));
        for (let i = 0; i < requests.length; i += 200)
          for (const o of await store.appendMany(requests.slice(i, i + 200)))
            expect(o).not.toBeInstanceOf(Error);

        const projection = serviceIndexProjection(methods);
        const pageByPage: ProjectionDefinition = {
          ...projection,
          open: (db) => {
            const { rebuilder: _, ...handler } = projection.open(db);
            return handler;
          },
        };
        const rebuild = async (
          name: string,
          definition: ProjectionDefinition,
          from: EventStore,
          threads: number,
        ) => {
          const db = openReadModelDb(path.join(temp.dir, `${name}.db`));
          const runner = new ProjectionRunner({
            store: from,
            db,
            projections: [definition],
            logger: silentLogger(),
            rebuildThreads: threads,
            pageSize: 97,
          });
          const result = await runner.rebuild(SERVICE_INDEX_MODEL);
          expect(result.checkpoint).toBe(events.length);
          return { db, dump: dump(db) };
        };
        const expected = await rebuild('page-by-page', pageByPage, store, 1);
        expect(expected.dump.counts.length).toBeGreaterThan(100);
        const threads = await rebuild('threads', projection, store, 2);
        expect(threads.dump).toEqual(expected.dump);
        const one = await rebuild('one', projection, store, 1);
        expect(one.dump).toEqual(expected.dump);
        const decoded = await rebuild('decoded', projection, decoding(store), 2);
        expect(decoded.dump).toEqual(expected.dump);
        for (const r of [expected, threads, one, decoded]) r.db.close();
      } finally {
        await store.close();
        temp.remove();
      }
    });
  }
});
