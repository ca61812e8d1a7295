import type { WorkingTime } from './events.js';
import type { DeadlineCalculator } from './ports.js';
import { type DossierState, openPause } from './state.js';

/**
 * Where a dossier stands against its legal deadline (the appointment given at reception, moved by
 * the working time the clock stood still for supplements; a letter of apology does not move it):
 *
 * - `not-started`: not received yet, no deadline;
 * - `not-judged`: ended without a result or a decision (refused, withdrawn, stopped);
 * - `on-time` / `late`: completed (result issued or rejected) by the deadline or after it;
 * - `in-time` / `overdue`: still in process; a stopped clock counts up to the moment it stopped.
 */
export type Timeliness =
  | { kind: 'not-started' | 'not-judged' }
  | { kind: 'on-time'; dueAt: string; margin: WorkingTime }
  | { kind: 'late'; dueAt: string; lateBy: WorkingTime }
  | { kind: 'in-time'; dueAt: string; remaining: WorkingTime; paused: boolean }
  | { kind: 'overdue'; dueAt: string; overdueBy: WorkingTime; paused: boolean };

/** Whether the dossier completed after its deadline (null while it has not completed, or has no deadline). */
export function completedLate(s: Pick<DossierState, 'completedAt' | 'dueAt'>): boolean | null {
  if (s.completedAt === null || s.dueAt === null) return null;
  return Date.parse(s.completedAt) > Date.parse(s.dueAt);
}

/**
 * The timeliness of a dossier at `now`, with the working time to spare or lost counted by the
 * calendar in `unit` (that of the procedure's processing time).
 */
export async function timeliness(
  s: DossierState,
  calendar: DeadlineCalculator,
  now: Date,
  unit: WorkingTime['unit'],
): Promise<Timeliness> {
  if (s.dueAt === null) return { kind: s.endedAt ? 'not-judged' : 'not-started' };
  const dueAt = s.dueAt;
  const due = new Date(dueAt);
  if (s.completedAt !== null) {
    const done = new Date(s.completedAt);
    return completedLate(s)
      ? { kind: 'late', dueAt, lateBy: await calendar.workingTimeBetween(due, done, unit) }
      : { kind: 'on-time', dueAt, margin: await calendar.workingTimeBetween(done, due, unit) };
  }
  if (s.endedAt !== null) return { kind: 'not-judged' };
  const pause = openPause(s);
  const clock = pause ? new Date(pause.from) : now;
  return clock > due
    ? {
        kind: 'overdue',
        dueAt,
        overdueBy: await calendar.workingTimeBetween(due, clock, unit),
        paused: !!pause,
      }
    : {
        kind: 'in-time',
        dueAt,
        remaining: await calendar.workingTimeBetween(clock, due, unit),
        paused: !!pause,
      };
}

/** The legal deadline of a dossier received at `receivedAt` under a procedure's processing time. */
export async function appointmentFor(
  calendar: DeadlineCalculator,
  receivedAt: Date,
  processingTime: WorkingTime,
): Promise<string> {
  return (await calendar.addWorkingTime(receivedAt, processingTime)).toISOString();
}

/**
 * When the clock resumes at `resumedAt`: the working time it stood still since the supplement was
 * requested, in the unit of the procedure's processing time (a deadline in days moves by whole
 * working days, one in hours by office time), and the deadline and appointment each moved by it
 * (old + paused working time).
 */
export async function resumedDeadlines(
  calendar: DeadlineCalculator,
  s: Pick<DossierState, 'pauses' | 'dueAt' | 'appointmentAt'>,
  resumedAt: Date,
  unit: WorkingTime['unit'],
): Promise<{ pausedWorkingTime: WorkingTime; dueAt: string; appointmentAt: string }> {
  const pause = openPause(s);
  if (!pause || s.dueAt === null || s.appointmentAt === null) {
    throw new RangeError('the clock of this dossier is not stopped');
  }
  const pausedWorkingTime = await calendar.workingTimeBetween(new Date(pause.from), resumedAt, unit);
  const [dueAt, appointmentAt] = await Promise.all([
    calendar.addWorkingTime(new Date(s.dueAt), pausedWorkingTime),
    calendar.addWorkingTime(new Date(s.appointmentAt), pausedWorkingTime),
  ]);
  return { pausedWorkingTime, dueAt: dueAt.toISOString(), appointmentAt: appointmentAt.toISOString() };
}
