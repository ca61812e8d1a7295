import { describe, expect, it } from 'vitest';
import { fold } from '../../kernel/decider/index.js';
import { appointmentFor, completedLate, resumedDeadlines, timeliness } from './deadlines.js';
import { dossierDecider } from './decider.js';
import type * as E from './events.js';
import { event, histories, ID, workweekCalendar } from './spec-fixtures.js';
import type { DossierState } from './state.js';

/** Vietnam local time (UTC+7) of March 2026 as a UTC instant: `local(12, 10)` is Thu 12 March, 10:00. */
const local = (day: number, hour: number, minute = 0) => new Date(Date.UTC(2026, 2, day, hour - 7, minute));
const iso = (day: number, hour: number, minute = 0) => local(day, hour, minute).toISOString();
const calendar = workweekCalendar(['2026-03-16']);
const id = { dossierId: ID };

describe('the spec calendar (fake deadline port)', () => {
  it('counts working hours Monday to Friday, 08:00–16:00, skipping holidays', () => {
    expect(workweekCalendar().workingTimeBetween(local(13, 14), local(17, 9), 'hour')).toEqual({
      amount: 11,
      unit: 'hour',
    });
    expect(calendar.workingTimeBetween(local(13, 14), local(17, 9), 'hour')).toEqual({
      amount: 3,
      unit: 'hour',
    });
    // Fri 13 → Tue 17: Mon 16 off, Tue counts
    expect(calendar.workingTimeBetween(local(13, 14), local(17, 9), 'day')).toEqual({
      amount: 1,
      unit: 'day',
    });
    expect(calendar.addWorkingTime(local(13, 14), { amount: 3, unit: 'hour' })).toEqual(local(17, 9));
    expect(calendar.addWorkingTime(local(20, 16), { amount: 0, unit: 'hour' })).toEqual(local(20, 16));
  });
});

describe('deadlines', () => {
  it('sets the legal deadline from the processing time in working days', async () => {
    // Thu 10:00 + 5 working days: Thu 6 h, Fri 8, (Mon 16 off), Tue 8, Wed 8, Thu 8, Fri 2 → Fri 20, 10:00
    expect(await appointmentFor(calendar, local(12, 10), { amount: 5, unit: 'day' })).toBe(iso(20, 10));
    expect(await appointmentFor(workweekCalendar(), local(12, 10), { amount: 5, unit: 'day' })).toBe(
      iso(19, 10),
    );
  });

  it('moves deadline and appointment by the working time the clock stood still (old + paused)', async () => {
    const received = histories().received;
    const requested = event<E.DossierSupplementRequested>(
      'DossierSupplementRequested',
      { ...id, items: ['ảnh'], reason: 'mờ' },
      iso(13, 14),
      4,
    );
    const s = fold(dossierDecider, [...received, requested]) as DossierState;
    // paused Fri 14:00 → Tue 17, 09:00: Fri 2 h + (Mon off) + Tue 1 h = 3 working hours
    const moved = await resumedDeadlines(calendar, s, local(17, 9), 'hour');
    expect(moved.pausedWorkingTime).toEqual({ amount: 3, unit: 'hour' });
    // the fixture's deadline is 22 March 10:00 UTC = Sun 22, 17:00 local, outside working hours:
    // the three hours are counted from the next working window, Mon 23 08:00 → 11:00
    expect(moved.dueAt).toBe(iso(23, 11));
    expect(moved.appointmentAt).toBe(moved.dueAt);
    await expect(
      resumedDeadlines(calendar, fold(dossierDecider, received) as DossierState, local(17, 9), 'hour'),
    ).rejects.toThrow(RangeError);
  });

  it('judges on time, late, in time, overdue (a stopped clock counting up to its stop), and nothing else', async () => {
    const base = fold(dossierDecider, histories().processing) as DossierState;
    const due = iso(20, 10);
    const open = { ...base, dueAt: due, appointmentAt: due };
    expect(await timeliness(open, calendar, local(19, 10), 'hour')).toEqual({
      kind: 'in-time',
      dueAt: due,
      remaining: { amount: 8, unit: 'hour' },
      paused: false,
    });
    expect(await timeliness(open, calendar, local(23, 9), 'hour')).toEqual({
      kind: 'overdue',
      dueAt: due,
      overdueBy: { amount: 7, unit: 'hour' },
      paused: false,
    });
    const paused = {
      ...open,
      status: 'awaiting-supplement' as const,
      pauses: [{ from: iso(19, 15), to: null }],
    };
    expect(await timeliness(paused, calendar, local(30, 9), 'hour')).toMatchObject({
      kind: 'in-time',
      paused: true,
    });
    const pausedLate = { ...paused, pauses: [{ from: iso(20, 12), to: null }] };
    expect(await timeliness(pausedLate, calendar, local(30, 9), 'hour')).toMatchObject({
      kind: 'overdue',
      overdueBy: { amount: 2, unit: 'hour' },
      paused: true,
    });
    const onTime = {
      ...open,
      completedAt: iso(20, 9),
      endedAt: iso(20, 9),
      outcome: 'result-issued' as const,
    };
    expect(completedLate(onTime)).toBe(false);
    expect(await timeliness(onTime, calendar, local(30, 9), 'hour')).toEqual({
      kind: 'on-time',
      dueAt: due,
      margin: { amount: 1, unit: 'hour' },
    });
    const late = { ...onTime, completedAt: iso(23, 10), endedAt: iso(23, 10) };
    expect(completedLate(late)).toBe(true);
    expect(await timeliness(late, calendar, local(30, 9), 'hour')).toEqual({
      kind: 'late',
      dueAt: due,
      lateBy: { amount: 8, unit: 'hour' },
    });
    const stopped = { ...open, endedAt: iso(23, 10), outcome: 'stopped' as const };
    expect(await timeliness(stopped, calendar, local(30, 9), 'hour')).toEqual({ kind: 'not-judged' });
    const fresh = fold(dossierDecider, histories().submitted) as DossierState;
    expect(await timeliness(fresh, calendar, local(30, 9), 'hour')).toEqual({ kind: 'not-started' });
    const refused = fold(dossierDecider, histories().refused) as DossierState;
    expect(await timeliness(refused, calendar, local(30, 9), 'hour')).toEqual({ kind: 'not-judged' });
    expect(completedLate(fresh)).toBeNull();
  });
});
