import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideAll } from '../../kernel/decider/index.js';
import { DossierCursorInvalidError, DossierInvalidInputError } from '../../kernel/errors/index.js';
import type { RecordedEvent } from '../../kernel/event-store.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import { openReadModelDb } from '../../projections/db.js';
import { tempDir } from '../../testing/temp.js';
import type { DossierCommand } from './commands.js';
import { dossierDecider } from './decider.js';
import { dossierStream, type SubmissionChannel } from './events.js';
import { DossierReadModel } from './projection.js';
import { type DossierFilter, getDossier, listDossiers } from './queries.js';
import { meta, sealedDeclaration, submittedData } from './spec-fixtures.js';
import { type DossierStatus, dossierStatuses } from './state.js';

const HOUR = 3_600_000;
const BASE = Date.parse('2026-01-05T01:00:00.000Z');
const NOW = new Date('2026-02-01T00:00:00.000Z');
const AGENCIES = ['000.04.01.H26', '000.08.01.H26', '000.70.01.H26'];
const PROCEDURES = ['1.001612', '1.000656', '2.000908'];
const CHANNELS: SubmissionChannel[] = ['online', 'desk', 'postal'];
const TARGETS = dossierStatuses;
const iso = (t: number) => new Date(t).toISOString();
const subject = (n: number) => n.toString(16).padStart(32, '0');

/** What a synthetic dossier is, known independently of the read model. */
interface Spec {
  id: string;
  agency: string;
  procedure: string;
  channel: SubmissionChannel;
  status: DossierStatus;
  applicant: string;
  submittedAt: string;
  overdue: boolean;
}

/** A small deterministic generator (LCG), so the synthetic set is the same on every run. */
function random(seed: number) {
  let x = seed;
  return (n: number) => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return Math.floor((x / 2 ** 31) * n);
  };
}

/** The commands that take a dossier from submission to `target`, at times derived from `t`. */
function lifecycle(id: string, i: number, target: DossierStatus, t: number, dueIn: number, doneIn: number) {
  let n = 0;
  const c = (type: DossierCommand['type'], data: Record<string, unknown>, at: number) =>
    ({ type, data: { dossierId: id, ...data }, meta: meta(iso(at), ++n + i * 100) }) as DossierCommand;
  const due = t + dueIn;
  const done = t + doneIn;
  const submit = c(
    'SubmitDossier',
    {
      ...submittedData({
        dossierId: id,
        declaration: { sealed: sealedDeclaration(id), fields: { prefilled: i % 7, typed: i % 3 } },
      }),
      agency: AGENCIES[i % 3],
      procedure: { code: PROCEDURES[Math.floor(i / 3) % 3], version: '2024' },
      channel: CHANNELS[Math.floor(i / 9) % 3],
      applicant: subject(i % 20),
      components: [],
    },
    t,
  );
  const receive = c('ReceiveDossier', { official: 'clerk', appointmentAt: iso(due) }, t + HOUR);
  const assign = c('AssignDossier', { official: 'expert', department: null }, t + 2 * HOUR);
  const approve = c('ApproveDossier', { official: 'head' }, t + 2.5 * HOUR);
  const issue = c('IssueResult', { electronic: null, paper: true }, done);
  const steps: Record<DossierStatus, DossierCommand[]> = {
    submitted: [],
    refused: [c('RefuseDossier', { reason: 'r', official: 'clerk' }, t + HOUR / 2)],
    withdrawn: [c('WithdrawDossier', { applicant: subject(i % 20), reason: null }, t + HOUR / 2)],
    received: [receive],
    processing: [receive, assign],
    'awaiting-supplement': [
      receive,
      assign,
      c('RequestSupplement', { items: ['x'], reason: 'r' }, t + 3 * HOUR),
    ],
    'awaiting-payment': [
      receive,
      assign,
      c('NotifyFinancialObligation', { obligationId: 'o', kind: 'fee', amountVnd: 10_000 }, t + 3 * HOUR),
    ],
    approved: [receive, assign, approve],
    rejected: [receive, assign, c('RejectDossier', { official: 'head', reason: 'r' }, done)],
    stopped: [receive, assign, c('StopProcessing', { reason: 'r' }, done)],
    'result-issued': [receive, assign, approve, issue],
    returned: [receive, assign, approve, issue, c('ReturnResult', { channel: 'desk' }, done + HOUR)],
  };
  return [submit, ...steps[target]];
}

/** Overdue as the README defines it, from the generation's own numbers. */
function overdue(target: DossierStatus, t: number, dueIn: number, doneIn: number): boolean {
  const due = t + dueIn;
  if (['rejected', 'result-issued', 'returned'].includes(target)) return t + doneIn > due;
  if (target === 'awaiting-supplement') return due < t + 3 * HOUR;
  if (['received', 'processing', 'awaiting-payment', 'approved'].includes(target)) return due < NOW.getTime();
  return false;
}

const COUNT = 360;
let temp: ReturnType<typeof tempDir>;
let db: ReadModelDb;
let model: DossierReadModel;
const specs: Spec[] = [];

beforeAll(() => {
  temp = tempDir();
  db = openReadModelDb(path.join(temp.dir, 'readmodels.db'));
  model = new DossierReadModel(db);
  const pick = random(7);
  let position = 0;
  for (let i = 0; i < COUNT; i++) {
    const id = `${AGENCIES[i % 3]}-260105-${String(i + 1).padStart(4, '0')}`;
    // pairs of dossiers share a submission instant, so ties are broken by the dossier number
    const t = BASE + Math.floor(i / 2) * 2 * HOUR;
    const target = TARGETS[pick(TARGETS.length)]!;
    const dueIn = (2 + pick(600)) * HOUR;
    const doneIn = (3 + pick(600)) * HOUR;
    const events = decideAll(dossierDecider, lifecycle(id, i, target, t, dueIn, doneIn));
    events.forEach((e, revision) => {
      const at = e.metadata.occurredAt;
      model.apply({
        ...e,
        stream: dossierStream(id),
        revision,
        position: ++position,
        recordedAt: at,
      } as RecordedEvent);
    });
    specs.push({
      id,
      agency: AGENCIES[i % 3]!,
      procedure: PROCEDURES[Math.floor(i / 3) % 3]!,
      channel: CHANNELS[Math.floor(i / 9) % 3]!,
      status: target,
      applicant: subject(i % 20),
      submittedAt: iso(t),
      overdue: overdue(target, t, dueIn, doneIn),
    });
  }
});
afterAll(() => {
  db.close();
  temp.remove();
});

/** Every id a filter lists, walking the pages `first` at a time. */
function walk(filter: DossierFilter, first: number): string[] {
  const ids: string[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < COUNT; pages++) {
    const page = listDossiers(db, filter, { first, after, now: NOW });
    expect(page.edges.length).toBeLessThanOrEqual(first);
    ids.push(...page.edges.map((e) => e.node.dossierId));
    if (!page.pageInfo.hasNextPage) return ids;
    expect(page.edges.length).toBe(first);
    after = page.pageInfo.endCursor;
  }
  throw new Error('pagination did not end');
}

const newestFirst = (a: Spec, b: Spec) =>
  a.submittedAt === b.submittedAt ? (a.id < b.id ? 1 : -1) : a.submittedAt < b.submittedAt ? 1 : -1;

describe('dossiers read model: filtered pages', () => {
  const cases: [string, DossierFilter, (s: Spec) => boolean][] = [
    ['everything', {}, () => true],
    ['one agency', { agency: AGENCIES[1] }, (s) => s.agency === AGENCIES[1]],
    ['one procedure', { procedure: PROCEDURES[2] }, (s) => s.procedure === PROCEDURES[2]],
    ['one status', { status: 'processing' }, (s) => s.status === 'processing'],
    [
      'statuses',
      { status: ['returned', 'rejected'] },
      (s) => s.status === 'returned' || s.status === 'rejected',
    ],
    ['one channel', { channel: 'postal' }, (s) => s.channel === 'postal'],
    [
      'a period',
      { submittedFrom: '2026-01-10T00:00:00Z', submittedBefore: '2026-01-14T00:00:00+07:00' },
      (s) => s.submittedAt >= '2026-01-10T00:00:00.000Z' && s.submittedAt < '2026-01-13T17:00:00.000Z',
    ],
    ['overdue', { overdue: true }, (s) => s.overdue],
    ['not overdue', { overdue: false }, (s) => !s.overdue],
    [
      'an agency’s overdue dossiers in process',
      { agency: AGENCIES[0], overdue: true, status: ['received', 'processing', 'awaiting-supplement'] },
      (s) =>
        s.agency === AGENCIES[0] &&
        s.overdue &&
        ['received', 'processing', 'awaiting-supplement'].includes(s.status),
    ],
    ['one applicant', { applicant: subject(3) }, (s) => s.applicant === subject(3)],
    [
      'an agency’s work list (open statuses only, through the open dossiers’ index)',
      { agency: AGENCIES[1], status: ['submitted', 'received', 'processing', 'approved'] },
      (s) =>
        s.agency === AGENCIES[1] && ['submitted', 'received', 'processing', 'approved'].includes(s.status),
    ],
    [
      'open and closed statuses together',
      { status: ['processing', 'returned'] },
      (s) => s.status === 'processing' || s.status === 'returned',
    ],
  ];

  it.each(cases)('lists %s, newest first, across pages of any size', (_, filter, holds) => {
    const expected = specs
      .filter(holds)
      .sort(newestFirst)
      .map((s) => s.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(walk(filter, 7)).toEqual(expected);
    expect(walk(filter, 100)).toEqual(expected);
  });

  it('covers every status and both overdue kinds in the synthetic set', () => {
    expect(new Set(specs.map((s) => s.status)).size).toBe(TARGETS.length);
    const lateDone = specs.filter(
      (s) => s.overdue && ['returned', 'result-issued', 'rejected'].includes(s.status),
    );
    const lateOpen = specs.filter(
      (s) => s.overdue && ['processing', 'awaiting-supplement'].includes(s.status),
    );
    expect([lateDone.length > 0, lateOpen.length > 0]).toEqual([true, true]);
  });

  it('shows each row with its portal status code and once-only counts', () => {
    const codes: Record<string, number> = {
      submitted: 1,
      received: 2,
      refused: 3,
      'awaiting-payment': 6,
      returned: 10,
    };
    for (const s of specs.filter((x) => x.status in codes).slice(0, 40)) {
      const row = getDossier(db, s.id, NOW)!;
      expect([row.status, row.portalStatus, row.overdue]).toEqual([s.status, codes[s.status], s.overdue]);
    }
    const i = 10;
    expect(getDossier(db, specs[i]!.id, NOW)!.onceOnly).toMatchObject({
      fieldsPrefilled: i % 7,
      fieldsTyped: i % 3,
    });
  });

  it('refuses pages it cannot serve, naming the argument', () => {
    expect(() => listDossiers(db, {}, { first: 0 })).toThrow(DossierCursorInvalidError);
    expect(() => listDossiers(db, {}, { first: 101 })).toThrow(DossierCursorInvalidError);
    expect(() => listDossiers(db, {}, { after: 'bm90IGEgY3Vyc29y' })).toThrowError(
      expect.objectContaining({ code: 'DOSSIER_CURSOR_INVALID', field: 'after' }),
    );
    expect(() => listDossiers(db, { status: 'lost' as DossierStatus })).toThrowError(
      expect.objectContaining({ code: 'DOSSIER_INVALID', field: 'filter.status' }),
    );
    expect(() => listDossiers(db, { submittedFrom: 'yesterday' })).toThrow(DossierInvalidInputError);
    const last = listDossiers(db, {}, { first: 100, after: walkCursorAtEnd() });
    expect(last).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null },
    });
  });

  it('forgets an erased applicant and keeps the dossier', () => {
    const erased = subject(4);
    const theirs = specs.filter((s) => s.applicant === erased).map((s) => s.id);
    model.apply({ type: 'SubjectErased', data: { subject: erased } } as unknown as RecordedEvent);
    expect(walk({ applicant: erased }, 50)).toEqual([]);
    expect(getDossier(db, theirs[0]!, NOW)!.applicant).toBeNull();
    expect(walk({}, 100)).toHaveLength(COUNT);
  });
});

/** The cursor of the oldest dossier: nothing comes after it. */
function walkCursorAtEnd(): string {
  let page = listDossiers(db, {}, { first: 100, now: NOW });
  while (page.pageInfo.hasNextPage)
    page = listDossiers(db, {}, { first: 100, after: page.pageInfo.endCursor, now: NOW });
  return page.pageInfo.endCursor!;
}
