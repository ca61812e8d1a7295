import type { CommandMeta } from '../../kernel/decider/index.js';
import { buildMetadata } from '../../kernel/metadata.js';
import { seal } from '../../privacy/sealed.js';
import type { DossierCommand } from './commands.js';
import { type DossierEvent, type DossierSubmittedData, declarationContext } from './events.js';
import type { DeadlineCalculator, ProcedureInfo } from './ports.js';

/**
 * Fixtures the dossier specs share: a few procedures, one dossier of the Ba Đình commune desk, its events at given
 * instants, and the commands that produce them (command `n` yields the event with id number `n`).
 */
export const AGENCY = '000.04.01.H26';
export const OTHER_AGENCY = '000.08.01.H26';
export const ID = '000.04.01.H26-260312-0001';
export const CHILD = '000.04.01.H26-260312-0002';
export const APPLICANT = '0123456789abcdef0123456789abcdef';
export const OFFICIAL = 'clerk-1';

/** Event id number `n` as a UUID. */
export const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** 12 March 2026 at `hour` UTC, `days` later. */
export const at = (days: number, hour = 2) => new Date(Date.UTC(2026, 2, 12 + days, hour)).toISOString();

export function meta(now: string, n: number): CommandMeta {
  return {
    now,
    eventId: uuid(n),
    metadata: buildMetadata({
      occurredAt: now,
      actor: { kind: 'agency', id: AGENCY, official: OFFICIAL },
      correlationId: 'c-1',
    }),
  };
}

export const command = <C extends DossierCommand>(type: C['type'], data: C['data'], now: string, n: number) =>
  ({ type, data, meta: meta(now, n) }) as C;

export const event = <E extends DossierEvent>(type: E['type'], data: E['data'], now: string, n: number) =>
  ({ id: uuid(n), type, data, metadata: meta(now, n).metadata }) as E;

export const sealedDeclaration = (dossierId = ID) =>
  seal({ kid: '0123456789abcdef', key: Buffer.alloc(32, 7) }, APPLICANT, declarationContext(dossierId), {
    fullName: 'Nguyễn Văn An',
    address: 'số 1 phố Đội Cấn',
  });

export const submittedData = (over: Partial<DossierSubmittedData> = {}): DossierSubmittedData => ({
  dossierId: ID,
  channel: 'online',
  procedure: { code: '1.001612', version: '2024' },
  agency: AGENCY,
  applicant: APPLICANT,
  declaration: { sealed: sealedDeclaration(over.dossierId), fields: { prefilled: 8, typed: 2 } },
  parent: null,
  ...over,
});

export const APPOINTMENT = at(10, 10);

/** The procedures the service and API tests submit under (a catalogue of their own, in the tests only). */
export const SPEC_PROCEDURES: readonly ProcedureInfo[] = [
  {
    code: '1.001612',
    version: '2024',
    processingTime: { amount: 5, unit: 'day' },
    components: [
      { code: 'TP1', required: true },
      { code: 'TP2', required: false },
    ],
  },
  { code: '1.000656', version: '2024', processingTime: { amount: 3, unit: 'day' }, components: [] },
  { code: '2.000001', version: '1', processingTime: { amount: 8, unit: 'hour' }, components: [] },
];

/** The events of a dossier that reached each status, oldest first. */
export function histories(dossierId = ID) {
  const id = { dossierId };
  const submitted = [event('DossierSubmitted', submittedData(id), at(0), 1)];
  const received = [
    ...submitted,
    event('DossierReceived', { ...id, receivedBy: OFFICIAL, appointmentAt: APPOINTMENT }, at(0, 3), 2),
  ];
  const processing = [
    ...received,
    event('DossierAssigned', { ...id, assignee: { official: 'expert-7', department: null } }, at(1), 3),
  ];
  const approved = [...processing, event('DossierApproved', { ...id, by: 'head-1' }, at(5), 5)];
  const resultIssued = [
    ...approved,
    event('DossierResultIssued', { ...id, electronic: null, paper: true }, at(6), 6),
  ];
  return {
    submitted,
    refused: [
      ...submitted,
      event('DossierRefused', { ...id, reason: 'thiếu tờ khai', refusedBy: OFFICIAL }, at(0, 3), 2),
    ],
    received,
    processing,
    'awaiting-supplement': [
      ...processing,
      event(
        'DossierSupplementRequested',
        { ...id, items: ['bản sao giấy khai sinh'], reason: 'mờ' },
        at(2),
        4,
      ),
    ],
    'awaiting-payment': [
      ...processing,
      event(
        'DossierFinancialObligationNotified',
        { ...id, obligationId: 'ob-1', kind: 'charge', amountVnd: 50_000 },
        at(2),
        4,
      ),
    ],
    approved,
    rejected: [
      ...processing,
      event('DossierRejected', { ...id, by: 'head-1', reason: 'không đủ điều kiện' }, at(5), 5),
    ],
    stopped: [
      ...processing,
      event('DossierProcessingStopped', { ...id, reason: 'quá hạn bổ sung' }, at(5), 5),
    ],
    'result-issued': resultIssued,
    returned: [...resultIssued, event('DossierResultReturned', { ...id, channel: 'desk' }, at(7), 7)],
    withdrawn: [...submitted, event('DossierWithdrawn', { ...id, reason: null }, at(0, 5), 2)],
  } satisfies Record<string, DossierEvent[]>;
}

const HOUR = 3_600_000;
const VIETNAM = 7 * HOUR;

/**
 * A working-time calendar for specs: Monday to Friday, 08:00–16:00 in Vietnam (8 working hours a
 * day), minus the holidays given (YYYY-MM-DD). Time is added in working hours, a working day being
 * 8 of them; spans are counted in working hours, or in working days (those after the first
 * instant's day up to and including the second's) when asked in days.
 */
export function workweekCalendar(holidays: readonly string[] = []): DeadlineCalculator {
  const off = new Set(holidays);
  /** The working window of the Vietnamese calendar day starting at local midnight `dayStart` (UTC ms), or none. */
  const windowOf = (dayStart: number): [number, number] | undefined => {
    const local = new Date(dayStart + VIETNAM);
    const weekday = local.getUTCDay();
    if (weekday === 0 || weekday === 6 || off.has(local.toISOString().slice(0, 10))) return undefined;
    return [dayStart + 8 * HOUR, dayStart + 16 * HOUR];
  };
  const dayStartOf = (t: number) => Math.floor((t + VIETNAM) / (24 * HOUR)) * 24 * HOUR - VIETNAM;
  return {
    addWorkingTime(from, time) {
      let left = time.amount * (time.unit === 'day' ? 8 : 1) * HOUR;
      if (left === 0) return from;
      let t = from.getTime();
      for (let day = dayStartOf(t); ; day += 24 * HOUR) {
        const w = windowOf(day);
        if (!w) continue;
        const start = Math.max(t, w[0]);
        if (start >= w[1]) continue;
        if (start + left <= w[1]) return new Date(start + left);
        left -= w[1] - start;
        t = w[1];
      }
    },
    workingTimeBetween(from, to, unit) {
      if (unit === 'day') {
        let days = 0;
        for (let day = dayStartOf(from.getTime()) + 24 * HOUR; day <= to.getTime(); day += 24 * HOUR) {
          if (windowOf(day)) days++;
        }
        return { amount: days, unit: 'day' };
      }
      let ms = 0;
      for (let day = dayStartOf(from.getTime()); day <= to.getTime(); day += 24 * HOUR) {
        const w = windowOf(day);
        if (w) ms += Math.max(0, Math.min(w[1], to.getTime()) - Math.max(w[0], from.getTime()));
      }
      return { amount: ms / HOUR, unit: 'hour' };
    },
  };
}
