import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../hub/testing/temp.js';
import { deadLetterStream } from '../kit/events.js';
import { openConnector } from '../runtime.js';
import type { Dialect } from './driver.js';
import { lookbackBound } from './lookback.js';
import { householdHubPerTest } from './testing/household-hub.js';
import { POPULATION_COLUMNS, type PopulationRow } from './testing/population.js';
import { serverAvailable } from './testing/servers.js';
import { tempConnector } from './testing/temp-connector.js';

const available: Record<Dialect, boolean> = {
  sqlite: true,
  postgres: await serverAvailable('postgres'),
  mariadb: await serverAvailable('mariadb'),
};

const CITIZENS = 120;
/** Rows kept out of the first run, then committed with a cursor value at or before its checkpoint. */
const LATE = [10, 11];

/** The stream shapes read, each a connector: a plain table, a join, a query, a numeric cursor. */
const SHAPES = {
  table: { from: 'population-sql', stream: (s: Record<string, unknown>) => s },
  join: { from: 'population-household-sql', stream: (s: Record<string, unknown>) => s },
  query: {
    from: 'population-sql',
    stream: ({ table: _t, ...s }: Record<string, unknown>) => ({
      ...s,
      name: 'cd',
      query: 'SELECT * FROM cong_dan',
    }),
  },
  numeric: {
    from: 'population-sql',
    stream: (s: Record<string, unknown>) => ({ ...s, cursorField: 'id' }),
  },
} as const;

for (const dialect of ['sqlite', 'postgres', 'mariadb'] as const) {
  if (!available[dialect]) {
    describe.skip(`${dialect} not reachable on 127.0.0.1: look-back not tested on it`, () => {
      it('needs the server', () => undefined);
    });
    continue;
  }

  describe(`cursor look-back on ${dialect}`, () => {
    let late: PopulationRow[];
    const env = householdHubPerTest(dialect, CITIZENS, async (source) => {
      late = source.citizens.filter((c) => LATE.includes(c.id));
      await source.writer.run(`DELETE FROM cong_dan WHERE id IN (${LATE.join(', ')})`);
      // A row the mapping rejects, read again by every look-back.
      await source.writer.run("UPDATE cong_dan SET so_dinh_danh = '12345' WHERE id = ?", [CITIZENS - 1]);
    });

    const deadLetters = async (name: string) =>
      (await env.hub.raw.readAll()).filter((e) => e.stream === deadLetterStream(name)).length;

    for (const [shape, { from, stream }] of Object.entries(SHAPES)) {
      const numeric = shape === 'numeric';
      // The defaults: 300 s for a time cursor, none for a numeric one.
      for (const lookback of numeric ? [300, undefined] : [undefined, 0]) {
        const setting =
          lookback === undefined
            ? []
            : [`${numeric ? 'numericCursorLookback' : 'cursorLookback'}=${lookback}`];
        const on = (lookback ?? (numeric ? 0 : 300)) > 0;
        it(`${shape} stream, ${setting[0] ?? 'default look-back'}: rows committed late at or before the checkpoint are ${on ? 'read by the next run, re-reads append nothing' : 'lost (strictly after the checkpoint)'}`, async () => {
          const name = `lookback-${shape}`;
          tempConnector({ root: env.tmp.dir, name, from, stream: stream as never });
          const c = openConnector({
            name,
            hub: env.hub,
            logger: silentLogger(),
            root: env.tmp.dir,
            set: [`url=${env.source.url}`, 'batchSize=7', ...setting],
          });
          const first = await c.sync();
          expect(first.counts).toMatchObject({ read: CITIZENS - 2, rejected: 1 });
          expect(await deadLetters(name)).toBe(1);
          const [state] = (await c.status()).states;
          const checkpoint = state!.cursor!;
          expect(Number(state!.pk)).toBeGreaterThan(Math.max(...LATE));

          // One row at the checkpoint's cursor with a lower key, one 200 (seconds or units) before it.
          const [atCheckpoint, before] = late.map((r, i) => ({
            ...r,
            ngay_cap_nhat: numeric
              ? r.ngay_cap_nhat
              : String(i === 0 ? checkpoint : lookbackBound(checkpoint, { seconds: 200, units: 0 })),
          }));
          if (numeric) expect(Number(checkpoint) - before!.id).toBeLessThanOrEqual(300);
          for (const r of [atCheckpoint!, before!])
            await env.source.writer.run(
              `INSERT INTO cong_dan (${POPULATION_COLUMNS.join(', ')}) VALUES (${POPULATION_COLUMNS.map(() => '?').join(', ')})`,
              POPULATION_COLUMNS.map((k) => r[k]),
            );

          const second = await c.sync();
          const appended = (await env.hub.raw.readAll({ filter: { eventTypes: ['DatasetRecordUpserted'] } }))
            .length;
          if (!on) {
            expect(second.counts).toMatchObject({ read: 0, upserted: 0 });
            expect(appended).toBe(CITIZENS - 3);
          } else {
            expect(second.counts.upserted).toBe(2);
            // The rejected row is read again: counted apart, neither dead-lettered again (below) nor rejected.
            expect(second.counts).toMatchObject({ rejected: 0, rejectedAgain: 1 });
            expect(second.counts.read).toBe(second.counts.upserted + second.counts.unchanged + 1);
            expect(second.counts.unchanged).toBeGreaterThan(0);
            expect(appended).toBe(CITIZENS - 1);
            // A third run re-reads the window again and appends nothing; the rejected row is not dead-lettered twice.
            const third = await c.sync();
            expect(third.counts).toMatchObject({ upserted: 0, rejected: 0, rejectedAgain: 1 });
            expect(third.counts.unchanged).toBeGreaterThan(0);
            expect(
              (await env.hub.raw.readAll({ filter: { eventTypes: ['DatasetRecordUpserted'] } })).length,
            ).toBe(CITIZENS - 1);
            // The position never moves back into the window.
            expect((await c.status()).states[0]!.cursor).toEqual(checkpoint);
          }
          expect(await deadLetters(name)).toBe(1);
        }, 60_000);
      }
    }
  });
}
