import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventValidationError } from '../../kernel/errors/index.js';
import { startTestHub, type TestHub } from '../../testing/hub.js';
import { calendarYearsIn } from './files.js';
import { calendarFrom, declaredYear, declaredYears, workingCalendarOf } from './queries.js';
import { declareCalendarYears, loadCalendarYear } from './service.js';

let hub: TestHub;
const actor = { kind: 'operator' as const, id: 'test' };
const bundled = calendarYearsIn();
const y2026 = bundled.find((y) => y.year === 2026)!;
/** 2026 with Monday 23 November given off against Saturday 28 November. */
const amended = {
  ...y2026,
  swaps: [...y2026.swaps, { dayOff: '2026-11-23', workedOn: '2026-11-28', basis: 'Công văn (thử nghiệm)' }],
};

beforeAll(async () => {
  hub = await startTestHub({ citizens: 1 });
}, 120_000);
afterAll(() => hub?.close());

describe('working calendar on the event store', () => {
  it('is seeded into the test hub from the bundled file, one stream per year', async () => {
    expect(declaredYears(hub.db).map((y) => [y.year, y.version])).toEqual([
      [2024, 1],
      [2025, 1],
      [2026, 1],
      [2027, 1],
    ]);
    const events = await hub.store.readStream('calendar-2025');
    expect(events.map((e) => e.type)).toEqual(['WorkingCalendarYearDeclared']);
    expect(declaredYear(hub.db, 2025)?.sourceEventId).toBe(events[0]!.id);
    expect(calendarFrom(hub.db).isWorkingDay('2025-04-26')).toBe(true);
  });

  it('loads idempotently: unchanged years append nothing, a changed year appends the next version', async () => {
    const current = workingCalendarOf(hub.db);
    expect(current().isWorkingDay('2026-11-23')).toBe(true);
    const before = (await hub.store.info()).lastPosition;

    expect(await declareCalendarYears(hub.store, bundled, { actor })).toEqual([
      { year: 2024, version: 1, changed: false },
      { year: 2025, version: 1, changed: false },
      { year: 2026, version: 1, changed: false },
      { year: 2027, version: 1, changed: false },
    ]);
    expect((await hub.store.info()).lastPosition).toBe(before);

    expect(await declareCalendarYears(hub.store, [amended], { actor })).toEqual([
      { year: 2026, version: 2, changed: true },
    ]);
    expect(await declareCalendarYears(hub.store, [amended], { actor })).toEqual([
      { year: 2026, version: 2, changed: false },
    ]);
    const events = await hub.store.readStream('calendar-2026');
    expect(events.map((e) => (e.data as { version: number }).version)).toEqual([1, 2]);
    expect(await loadCalendarYear(hub.store, 2026)).toMatchObject({
      status: 'declared',
      current: { version: 2 },
    });

    await hub.settle();
    expect(declaredYear(hub.db, 2026)).toMatchObject({ version: 2, sourceEventId: events[1]!.id });
    // the cached calendar follows the read model
    expect(current().isWorkingDay('2026-11-23')).toBe(false);
    expect(current().day('2026-11-28')).toMatchObject({ working: true, kind: 'make-up' });
    expect(current().isWorkingDay('2025-04-26')).toBe(true);
  });

  it('appends nothing that breaks the event schema', async () => {
    const long = { ...y2026, workingHoursBasis: 'x'.repeat(501) };
    await expect(declareCalendarYears(hub.store, [long], { actor })).rejects.toThrow(EventValidationError);
    expect(await hub.store.readStream('calendar-2026')).toHaveLength(2);
  });
});
