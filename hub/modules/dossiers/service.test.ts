import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withValidation } from '../../events/validating-store.js';
import { createEventValidator } from '../../events/validator.js';
import { openSqliteEventStore, type SqliteEventStore } from '../../eventstore/sqlite.js';
import {
  DossierChildrenPendingError,
  DossierComponentUnknownError,
  DossierInvalidInputError,
  DossierInvalidTransitionError,
  DossierNumberUnavailableError,
  DossierPaymentAmountMismatchError,
  DossierProcedureUnknownError,
} from '../../kernel/errors/index.js';
import type { EventStore } from '../../kernel/event-store.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import { SubjectKeyStore } from '../../privacy/key-store.js';
import { SubjectVault } from '../../privacy/sealed.js';
import { openReadModelDb } from '../../projections/db.js';
import { silentLogger, tempDir } from '../../testing/temp.js';
import { declarationContext, dossierStream } from './events.js';
import { DossierReadModel, dossiersProjection } from './projection.js';
import { getDossier, listDossiers } from './queries.js';
import { type DossierActor, DossierService, type SubmitDossierInput } from './service.js';
import { AGENCY, APPLICANT, SPEC_PROCEDURES as procedures, workweekCalendar } from './spec-fixtures.js';

/** Vietnam local time (UTC+7) in March 2026. */
const local = (day: number, hour: number, minute = 0) => new Date(Date.UTC(2026, 2, day, hour - 7, minute));
const desk: DossierActor = {
  actor: { kind: 'agency', id: AGENCY, official: 'clerk-1' },
  correlationId: 'c-1',
};
const portal: DossierActor = {
  actor: { kind: 'agency', id: '000.10.00.G12', official: 'portal' },
  correlationId: 'c-2',
};

const input = (over: Partial<SubmitDossierInput> = {}): SubmitDossierInput => ({
  channel: 'online',
  procedure: { code: '1.001612' },
  agency: AGENCY,
  applicant: APPLICANT,
  declaration: {
    values: { fullName: 'Nguyễn Văn An', address: 'số 1 Đội Cấn', reason: 'chuyển đến' },
    prefilled: ['fullName', 'address'],
  },
  components: [
    { component: 'TP1', resolution: { kind: 'reused', source: { kind: 'document', documentId: 'kq-1' } } },
  ],
  ...over,
});

let temp: ReturnType<typeof tempDir>;
let raw: SqliteEventStore;
let store: EventStore;
let db: ReadModelDb;
let keys: SubjectKeyStore;
let now: Date;
let service: DossierService;

const build = (model: DossierReadModel | undefined) =>
  new DossierService({
    store,
    calendar: workweekCalendar(['2026-03-16']),
    procedures: {
      find: (code, version) => procedures.find((p) => p.code === code && (!version || p.version === version)),
    },
    sealer: new SubjectVault(keys),
    model,
    logger: silentLogger(),
    clock: () => now,
  });

beforeEach(async () => {
  temp = tempDir();
  raw = await openSqliteEventStore({ file: path.join(temp.dir, 'events.db'), logger: silentLogger() });
  store = withValidation(raw, createEventValidator());
  db = openReadModelDb(path.join(temp.dir, 'readmodels.db'));
  keys = new SubjectKeyStore(path.join(temp.dir, 'keys.db'), randomBytes(32));
  now = local(12, 10);
  service = build(new DossierReadModel(db));
});
afterEach(async () => {
  await raw.close();
  db.close();
  keys.close();
  temp.remove();
});

const streamOf = async (id: string) => (await store.readStream(dossierStream(id))).map((e) => e.type);

describe('DossierService: submission', () => {
  it('numbers dossiers per agency and Vietnamese day, with or without the read model to start from', async () => {
    const a = await service.submit(portal, input());
    const b = await service.submit(portal, input());
    expect([a.dossierId, b.dossierId]).toEqual(['000.04.01.H26-260312-0001', '000.04.01.H26-260312-0002']);
    now = local(12, 23, 30); // 16:30 UTC: still the 12th in Vietnam
    expect((await build(undefined).submit(portal, input())).dossierId).toBe('000.04.01.H26-260312-0003');
    now = local(13, 0, 5);
    expect((await service.submit(portal, input())).dossierId).toBe('000.04.01.H26-260313-0001');
  });

  it('gives up with a retryable error when every number it tries is taken', async () => {
    const blind = build(undefined); // starts at 0001 each time, as a replica whose read model lags far behind
    for (let n = 0; n < 50; n++) await service.submit(portal, input());
    const error = await blind.submit(portal, input()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DossierNumberUnavailableError);
    expect(error).toMatchObject({ retryable: true, agency: AGENCY, day: '2026-03-12', attempts: 50 });
    expect((await service.submit(portal, input())).dossierId).toBe('000.04.01.H26-260312-0051');
  });

  it('seals the declaration under the applicant’s key and counts prefilled and typed fields', async () => {
    const s = await service.submit(portal, input());
    const [submitted, component] = await store.readStream(dossierStream(s.dossierId));
    expect(JSON.stringify(submitted)).not.toContain('Nguyễn');
    const data = submitted!.data as { declaration: { sealed: never; fields: unknown }; applicant: string };
    expect(data.declaration.fields).toEqual({ prefilled: 2, typed: 1 });
    const opened = new SubjectVault(keys).open(
      APPLICANT,
      declarationContext(s.dossierId),
      data.declaration.sealed,
    );
    expect(opened).toEqual(input().declaration.values);
    expect(component!.type).toBe('DossierComponentResolved');
    const row = getDossier(db, s.dossierId, now)!;
    expect(row.onceOnly).toEqual({
      fieldsPrefilled: 2,
      fieldsTyped: 1,
      shareTyped: 1 / 3,
      componentsReused: 1,
      componentsUploaded: 0,
      componentsAskedAgain: 0,
    });
    expect(row.timeline.map((t) => [t.type, t.status, t.portalStatus])).toEqual([
      ['DossierSubmitted', 'submitted', 1],
      ['DossierComponentResolved', 'submitted', 1],
    ]);
    expect(JSON.stringify(row.timeline)).not.toContain(APPLICANT);
  });

  it('refuses unknown procedures and components and fields that are not on the form, writing nothing', async () => {
    await expect(service.submit(portal, input({ procedure: { code: '9.999999' } }))).rejects.toBeInstanceOf(
      DossierProcedureUnknownError,
    );
    await expect(
      service.submit(portal, input({ procedure: { code: '1.001612', version: '2019' } })),
    ).rejects.toMatchObject({ code: 'DOSSIER_PROCEDURE_UNKNOWN', version: '2019' });
    const unknown = input({
      components: [{ component: 'TP9', resolution: { kind: 'uploaded', documentId: 'd' } }],
    });
    await expect(service.submit(portal, unknown)).rejects.toSatisfy(
      (e) => e instanceof DossierComponentUnknownError && e.field === 'input.components[0].component',
    );
    const stray = input({ declaration: { values: { a: 1 }, prefilled: ['b'] } });
    await expect(service.submit(portal, stray)).rejects.toSatisfy(
      (e) => e instanceof DossierInvalidInputError && e.field === 'input.declaration.prefilled[0]',
    );
    expect((await raw.info()).lastPosition).toBe(0);
  });
});

describe('DossierService: deadlines through the calendar port', () => {
  it('stops the clock for a supplement and moves deadline and appointment by the paused working time', async () => {
    const { dossierId } = await service.submit(desk, input({ channel: 'desk' }));
    // Thu 12, 10:00 + 5 working days, Monday 16 a holiday → Fri 20, 10:00
    const received = await service.receive(desk, dossierId);
    expect(received.dueAt).toBe(local(20, 10).toISOString());
    now = local(13, 14);
    await service.requestSupplement(desk, dossierId, ['bản chụp rõ hơn'], 'ảnh mờ');
    now = local(18, 9);
    expect(await service.timeliness(dossierId, local(30, 9))).toMatchObject({
      kind: 'in-time',
      paused: true,
    });
    // a deadline in days moves by whole working days: stopped Fri 13 → Wed 18 (Mon 16 off): Tue, Wed
    const resumed = await service.supplySupplement(desk, dossierId, [
      { component: 'TP2', documentId: 'doc-2' },
    ]);
    expect(resumed.status).toBe('processing');
    // Fri 20, 10:00 + 2 working days of the spec calendar (16 h): Fri 6 h, Mon 23 8 h → Tue 24, 10:00
    expect([resumed.dueAt, resumed.appointmentAt]).toEqual([
      local(24, 10).toISOString(),
      local(24, 10).toISOString(),
    ]);
    const [supplied] = (await store.readStream(dossierStream(dossierId))).filter(
      (e) => e.type === 'DossierSupplementSupplied',
    );
    expect(supplied!.data).toMatchObject({
      pausedAt: local(13, 14).toISOString(),
      pausedWorkingTime: { amount: 2, unit: 'day' },
    });
    now = local(25, 9);
    expect(await service.timeliness(dossierId)).toMatchObject({
      kind: 'overdue',
      overdueBy: { amount: 1, unit: 'day' },
    });
    expect(listDossiers(db, { overdue: true }, { now }).edges.map((e) => e.node.dossierId)).toEqual([
      dossierId,
    ]);
    await expect(service.supplySupplement(desk, dossierId)).rejects.toSatisfy(
      (e) => e instanceof DossierInvalidTransitionError && e.dossierStatus === 'processing',
    );
  });

  it('moves a deadline in working hours by the office time the clock stood still', async () => {
    const { dossierId } = await service.submit(
      desk,
      input({ procedure: { code: '2.000001' }, components: [] }),
    );
    // Thu 12, 10:00 + 8 working hours: Thu 6 h, Fri 2 h → Fri 13, 10:00
    expect((await service.receive(desk, dossierId)).dueAt).toBe(local(13, 10).toISOString());
    now = local(12, 14);
    await service.requestSupplement(desk, dossierId, ['tờ khai có chữ ký'], 'thiếu chữ ký');
    now = local(13, 9);
    // stopped Thu 14:00 → Fri 09:00: Thu 2 h + Fri 1 h
    const resumed = await service.supplySupplement(desk, dossierId);
    expect(resumed.dueAt).toBe(local(13, 13).toISOString());
    expect(resumed.pauses).toEqual([{ from: local(12, 14).toISOString(), to: local(13, 9).toISOString() }]);
    expect(await service.timeliness(dossierId, local(13, 15))).toEqual({
      kind: 'overdue',
      dueAt: local(13, 13).toISOString(),
      overdueBy: { amount: 2, unit: 'hour' },
      paused: false,
    });
  });

  it('refuses a payment of another amount with a typed error and appends nothing', async () => {
    const { dossierId } = await service.submit(desk, input());
    await service.receive(desk, dossierId, local(30, 10).toISOString());
    const { obligations } = await service.notifyObligation(desk, dossierId, {
      kind: 'charge',
      amountVnd: 30_000,
    });
    const [obligationId] = Object.keys(obligations);
    const before = await streamOf(dossierId);
    await expect(
      service.pay(portal, dossierId, {
        obligationId: obligationId!,
        method: 'online',
        amountVnd: 3_000,
        paymentReference: 'P-1',
      }),
    ).rejects.toBeInstanceOf(DossierPaymentAmountMismatchError);
    expect(await streamOf(dossierId)).toEqual(before);
    const paid = await service.pay(portal, dossierId, {
      obligationId: obligationId!,
      method: 'online',
      amountVnd: 30_000,
      paymentReference: 'P-1',
    });
    expect(paid.status).toBe('received');
    await expect(
      service.approve({ ...desk, actor: { kind: 'agency', id: AGENCY } }, dossierId),
    ).rejects.toSatisfy((e) => e instanceof DossierInvalidInputError && e.field === 'actor.official');
  });
});

describe('DossierService: linked procedures', () => {
  it('completes the parent only once every linked dossier has ended', async () => {
    const parent = (await service.submit(desk, input())).dossierId;
    const child = (p: string) =>
      service.submit(desk, input({ procedure: { code: '1.000656' }, components: [], parent: p }));
    const [c1, c2] = [(await child(parent)).dossierId, (await child(parent)).dossierId];
    expect(await streamOf(parent)).toEqual([
      'DossierSubmitted',
      'DossierComponentResolved',
      'DossierChildLinked',
      'DossierChildLinked',
    ]);
    for (const id of [parent, c1]) {
      await service.receive(desk, id);
      await service.approve(desk, id);
    }
    await expect(service.issueResult(desk, parent, { paper: true })).rejects.toSatisfy(
      (e) => e instanceof DossierChildrenPendingError && e.pending.join() === [c1, c2].join(),
    );
    await service.issueResult(desk, c1, { electronic: { documentId: 'kq-c1', contentHash: 'b'.repeat(64) } });
    await service.withdraw(portal, c2, APPLICANT, 'không cần nữa');
    const done = await service.issueResult(desk, parent, { paper: true });
    expect(done.children).toEqual({ [c1]: 'result-issued', [c2]: 'withdrawn' });
    expect(getDossier(db, parent, now)!.children).toEqual({ total: 2, pending: 0 });
    expect(listDossiers(db, { parent }, { now }).edges.map((e) => e.node.dossierId)).toEqual([c2, c1]);

    await expect(child(parent)).rejects.toSatisfy(
      (e) => e instanceof DossierInvalidTransitionError && e.command === 'LinkChild',
    );
    await expect(child('000.04.01.H26-260101-0001')).rejects.toSatisfy(
      (e) => e instanceof DossierInvalidInputError && e.field === 'input.parent',
    );
  });

  it('leaves the read model it applied at once equal to one rebuilt from the log', async () => {
    const parent = (await service.submit(desk, input())).dossierId;
    const { dossierId } = await service.submit(
      desk,
      input({ procedure: { code: '1.000656' }, components: [], parent }),
    );
    await service.receive(desk, dossierId);
    await service.refuse(desk, parent, 'nộp nhầm');
    await service.transfer(desk, dossierId, '000.08.01.H26', 'sai thẩm quyền');
    const rebuilt = openReadModelDb(path.join(temp.dir, 'rebuilt.db'));
    const handler = dossiersProjection.open(rebuilt);
    for (const e of await store.readAll()) handler.apply(e);
    for (const e of await store.readAll()) handler.apply(e); // applying twice changes nothing
    const page = (d: ReadModelDb) => listDossiers(d, {}, { now });
    expect(page(rebuilt)).toEqual(page(db));
    expect(getDossier(rebuilt, parent, now)).toEqual(getDossier(db, parent, now));
    expect(page(db).edges.map((e) => [e.node.status, e.node.agency])).toEqual([
      ['received', '000.08.01.H26'],
      ['refused', AGENCY],
    ]);
    rebuilt.close();
  });
});

describe('DossierService: prefill and the completed declaration', () => {
  const motherRecord = { kind: 'record-event', eventId: '11111111-1111-4111-8111-111111111111' } as const;
  const earlierResult = { kind: 'document', documentId: 'kq-1' } as const;

  it('counts the fields that still hold what the state supplied, and judges every component', async () => {
    const { dossierId } = await service.submit(
      desk,
      input({
        declaration: { values: { mother: { personalId: '001190000001' } }, prefilled: [] },
        components: [],
      }),
    );
    expect(getDossier(db, dossierId, now)!.onceOnly).toMatchObject({ fieldsPrefilled: 0, fieldsTyped: 1 });
    await service.recordPrefill(desk, dossierId, {
      values: {
        mother: { fullName: 'Trần Thị Mai', dateOfBirth: '1990-01-01', residence: { commune: '00004' } },
      },
      fields: ['mother.fullName', 'mother.dateOfBirth', 'mother.residence'],
      held: [
        { component: 'TP1', source: motherRecord },
        { component: 'TP2', source: earlierResult },
      ],
      accesses: ['22222222-2222-4222-8222-222222222222'],
    });
    const opened = await service.declaration(dossierId, desk);
    expect(opened.values).toEqual({ mother: { personalId: '001190000001' } });
    expect(opened.prefill?.fields).toEqual(['mother.fullName', 'mother.dateOfBirth', 'mother.residence']);

    const completed = await service.completeDeclaration(desk, dossierId, {
      values: {
        // the name as supplied, the date changed by the citizen, the residence kept, the rest typed
        mother: {
          personalId: '001190000001',
          fullName: 'Trần Thị Mai',
          dateOfBirth: '1990-01-02',
          residence: { commune: '00004' },
        },
        child: { fullName: 'Lê Minh An' },
      },
      uploads: [{ component: 'TP2', documentId: 'scan-7' }],
    });
    expect(completed.fields).toEqual({ prefilled: 2, typed: 3 });
    expect(completed.components).toEqual({ TP2: 'asked-again', TP1: 'reused' });
    const events = await store.readStream(dossierStream(dossierId));
    expect(events.map((e) => e.type)).toEqual([
      'DossierSubmitted',
      'DossierPrefilled',
      'DossierDeclarationCompleted',
      'DossierComponentResolved',
      'DossierComponentResolved',
    ]);
    expect(JSON.stringify(events)).not.toContain('Trần');
    expect(events.at(-1)!.data).toMatchObject({
      component: 'TP1',
      resolution: { kind: 'reused', source: motherRecord },
    });
    expect(getDossier(db, dossierId, now)!.onceOnly).toMatchObject({
      fieldsPrefilled: 2,
      fieldsTyped: 3,
      componentsReused: 1,
      componentsAskedAgain: 1,
    });
    expect((await service.declaration(dossierId)).values).toMatchObject({
      child: { fullName: 'Lê Minh An' },
    });

    // a later supplement of a held component is asked again too
    await service.receive(desk, dossierId);
    await service.requestSupplement(desk, dossierId, ['giấy tờ'], 'mờ');
    const supplied = await service.supplySupplement(desk, dossierId, [
      { component: 'TP1', documentId: 'scan-8' },
    ]);
    expect(supplied.components).toEqual({ TP2: 'asked-again', TP1: 'asked-again' });
  });

  it('counts every field as typed without a prefill, and refuses a component the procedure lacks', async () => {
    const { dossierId } = await service.submit(desk, input({ components: [] }));
    const done = await service.completeDeclaration(desk, dossierId, {
      values: { a: 1, b: { c: 'x', d: '' } },
    });
    expect(done.fields).toEqual({ prefilled: 0, typed: 2 });
    await expect(
      service.completeDeclaration(desk, dossierId, {
        values: {},
        uploads: [{ component: 'TP9', documentId: 'd' }],
      }),
    ).rejects.toSatisfy(
      (e) => e instanceof DossierComponentUnknownError && e.field === 'input.components[0].component',
    );
  });
});
