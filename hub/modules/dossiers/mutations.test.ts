import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AGENCIES,
  API_PROJECTIONS,
  type GqlResponse,
  startTestHub,
  type TestHub,
} from '../../testing/hub.js';
import { hubModules } from '../index.js';
import { dossierStream } from './events.js';
import { dossiersProjection } from './projection.js';

/** Vietnam local time (UTC+7) of 2026 as a Date: `local(4, 24, 10)` is Friday 24 April, 10:00. */
const local = (month: number, day: number, hour: number, minute = 0) =>
  new Date(Date.UTC(2026, month - 1, day, hour - 7, minute));
const iso = (month: number, day: number, hour: number) => local(month, day, hour).toISOString();

let hub: TestHub;
const tokens: Record<'baDinh' | 'ngocHa' | 'portal0' | 'portal1' | 'inspector', string> = {} as never;

beforeAll(async () => {
  // the demo procedure catalogue (procedures/), seeded by the test hub, is the dossiers' catalogue
  hub = await startTestHub({ citizens: 3, projections: [...API_PROJECTIONS, dossiersProjection] });
  tokens.baDinh = await hub.token(AGENCIES.baDinh, 'consumer', { official: 'cb-motcua-01' });
  tokens.ngocHa = await hub.token(AGENCIES.ngocHa, 'consumer', { official: 'cb-motcua-02' });
  tokens.inspector = await hub.token(AGENCIES.inspector, 'inspector');
  tokens.portal0 = await hub.token(AGENCIES.portal, 'citizen-portal', { citizenPid: pid(0) });
  tokens.portal1 = await hub.token(AGENCIES.portal, 'citizen-portal', { citizenPid: pid(1) });
}, 60_000);
afterAll(async () => hub?.close());

const pid = (i: number) => hub.citizens[i]!.personalId as string;
const ddmmyyyy = (date: string) => `${date.slice(8, 10)}${date.slice(5, 7)}${date.slice(0, 4)}`;

/** The QR text of citizen `i`'s chip-based identity card. */
function qrOf(i: number): string {
  const c = hub.citizens[i]! as {
    personalId: string;
    fullName: string;
    dateOfBirth: string;
    gender: string;
    permanentResidence: { address: string };
  };
  const gender = c.gender === 'male' ? 'Nam' : 'Nữ';
  return [
    c.personalId,
    '',
    c.fullName,
    ddmmyyyy(c.dateOfBirth),
    gender,
    c.permanentResidence.address,
    '10082021',
  ].join('|');
}

const DOSSIER = `id status portalStatus agency intakeAgency channel dueAt appointmentAt pausedAt
  obligations { id kind amountVnd paid } rating { score outOf } timeline { type actor official }`;
const SUBMIT = `mutation($input: SubmitDossierInput!) { submitDossier(input: $input) { ${DOSSIER} } }`;

/** Runs a mutation `field(id, input)` and returns the dossier (or the response when it failed). */
async function act(token: string, field: string, id: string, input?: unknown, type?: string) {
  const declared =
    input === undefined ? '' : `, $input: ${type ?? `${field[0]!.toUpperCase()}${field.slice(1)}Input`}!`;
  const query = `mutation($id: ID!${declared}) { ${field}(id: $id${input === undefined ? '' : ', input: $input'}) { ${DOSSIER} } }`;
  return hub.gql(token, query, { id, ...(input === undefined ? {} : { input }) });
}

type Dossier = Record<string, unknown> & { id: string; status: string; timeline: { type: string }[] };
const dossierOf = (res: GqlResponse, field: string): Dossier => {
  expect(res.errors).toBeUndefined();
  return res.data![field] as Dossier;
};
const errorOf = (res: GqlResponse) => res.errors![0]!.extensions;
const eventsOf = async (id: string) => (await hub.store.readStream(dossierStream(id))).map((e) => e.type);

const declaration = { values: { hoTen: 'x', noiCuTru: 'y', lyDo: 'z' } };
/** Procedures of the demo catalogue: 1.003197 (xóa đăng ký thường trú) in 5 working days, 1.001612 in 3. */
const FIVE_DAYS = '1.003197';
const THREE_DAYS = '1.001612';
const uploaded = (component: string, documentId: string) => ({ component, documentId });

describe('dossier mutations: a full lifecycle at the one-stop desk', () => {
  it('submits by the ID card QR, counts the deadline over the holidays, stops and resumes the clock, and ends rated', async () => {
    hub.setNow(local(4, 24, 10)); // Friday 24 April 2026, 10:00
    const submitted = dossierOf(
      await hub.gql(tokens.baDinh, SUBMIT, {
        input: {
          procedure: FIVE_DAYS,
          applicantQr: qrOf(0),
          declaration,
          components: [uploaded('chung-minh-truong-hop', 'giay-bao-tu-1')],
        },
      }),
      'submitDossier',
    );
    const id = submitted.id;
    expect(id).toBe(`${AGENCIES.baDinh}-260424-0001`);
    expect(submitted).toMatchObject({
      status: 'SUBMITTED',
      channel: 'DESK',
      agency: AGENCIES.baDinh,
      intakeAgency: AGENCIES.baDinh,
    });

    // 5 working days from Fri 24 April: Mon 27 (Giỗ Tổ in lieu) off; Tue 28, Wed 29; Thu 30 April and
    // Fri 1 May off; Mon 4, Tue 5, Wed 6 → the close of Wed 6 May (17:00)
    const received = dossierOf(await act(tokens.baDinh, 'receiveDossier', id), 'receiveDossier');
    expect(received).toMatchObject({
      status: 'RECEIVED',
      dueAt: iso(5, 6, 17),
      appointmentAt: iso(5, 6, 17),
    });

    hub.setNow(local(4, 28, 9));
    dossierOf(
      await act(tokens.baDinh, 'assignDossier', id, { department: 'Phòng Tư pháp' }),
      'assignDossier',
    );
    dossierOf(await act(tokens.baDinh, 'completeStep', id, { step: 'thẩm định' }), 'completeStep');
    const paused = dossierOf(
      await act(tokens.baDinh, 'requestSupplement', id, {
        items: ['bản sao sổ hộ khẩu'],
        reason: 'bản chụp mờ',
      }),
      'requestSupplement',
    );
    expect(paused).toMatchObject({ status: 'AWAITING_SUPPLEMENT', pausedAt: iso(4, 28, 9) });

    // stopped Tue 28 April 09:00 → Mon 4 May 10:00: Wed 29 and Mon 4 are working days → +2
    hub.setNow(local(5, 4, 10));
    const resumed = dossierOf(
      await act(
        tokens.baDinh,
        'recordSupplement',
        id,
        { components: [uploaded('to-khai', 'to-khai-ky-1')] },
        'SupplementInput',
      ),
      'recordSupplement',
    );
    expect(resumed).toMatchObject({
      status: 'PROCESSING',
      pausedAt: null,
      dueAt: iso(5, 8, 17),
      appointmentAt: iso(5, 8, 17),
    });

    const noticed = dossierOf(
      await act(tokens.baDinh, 'notifyFee', id, { kind: 'CHARGE', amountVnd: 50000 }),
      'notifyFee',
    );
    const [obligation] = noticed.obligations as { id: string }[];
    expect(noticed).toMatchObject({
      status: 'AWAITING_PAYMENT',
      obligations: [{ kind: 'CHARGE', amountVnd: 50000, paid: false }],
    });
    const payment = { obligationId: obligation!.id, amountVnd: 50000, paymentReference: 'VNPAY-0001' };
    const paid = dossierOf(await act(tokens.portal0, 'payFee', id, payment, 'PaymentInput'), 'payFee');
    expect(paid).toMatchObject({ status: 'PROCESSING', obligations: [{ paid: true }] });

    hub.setNow(local(5, 11, 9)); // past the deadline: a letter of apology moves only the appointment
    const apologised = dossierOf(
      await act(
        tokens.baDinh,
        'apologiseForDelay',
        id,
        { reason: 'chờ xác minh', appointmentAt: iso(5, 13, 17) },
        'ApologyInput',
      ),
      'apologiseForDelay',
    );
    expect(apologised).toMatchObject({ dueAt: iso(5, 8, 17), appointmentAt: iso(5, 13, 17) });
    dossierOf(await act(tokens.baDinh, 'approveDossier', id), 'approveDossier');
    dossierOf(await act(tokens.baDinh, 'issueResult', id, { paper: true }), 'issueResult');
    const returned = dossierOf(
      await act(tokens.baDinh, 'returnResult', id, { channel: 'DESK' }),
      'returnResult',
    );
    expect(returned).toMatchObject({ status: 'RETURNED', portalStatus: 10 });
    const rated = dossierOf(await act(tokens.portal0, 'rateDossier', id, { score: 4 }), 'rateDossier');
    expect(rated.rating).toEqual({ score: 4, outOf: 5 });

    expect(rated.timeline.map((t) => t.type)).toEqual([
      'DossierSubmitted',
      'DossierComponentResolved',
      'DossierReceived',
      'DossierAssigned',
      'DossierStepCompleted',
      'DossierSupplementRequested',
      'DossierSupplementSupplied',
      'DossierComponentResolved',
      'DossierFinancialObligationNotified',
      'DossierFinancialObligationPaid',
      'DossierApologyIssued',
      'DossierApproved',
      'DossierResultIssued',
      'DossierResultReturned',
      'DossierRated',
    ]);
    expect(rated.timeline[2]).toMatchObject({ actor: AGENCIES.baDinh, official: 'cb-motcua-01' });
    expect(rated.timeline[9]).toMatchObject({ actor: AGENCIES.portal });
    const [supplied] = (await hub.store.readStream(dossierStream(id))).filter(
      (e) => e.type === 'DossierSupplementSupplied',
    );
    expect(supplied!.data).toMatchObject({
      pausedWorkingTime: { amount: 2, unit: 'day' },
      dueAt: iso(5, 8, 17),
    });
    const applicant = hub.pseudonymize('citizen', pid(0));
    const [first] = await hub.store.readStream(dossierStream(id));
    expect(first!.data).toMatchObject({ channel: 'desk', applicant });
    expect(JSON.stringify(rated)).not.toContain(applicant);
    expect(JSON.stringify(rated)).not.toContain(pid(0));
  });

  it('lets a citizen portal submit online, supply papers and withdraw', async () => {
    hub.setNow(local(6, 1, 9));
    const online = dossierOf(
      await hub.gql(tokens.portal1, SUBMIT, {
        input: { procedure: THREE_DAYS, agency: AGENCIES.ngocHa, declaration },
      }),
      'submitDossier',
    );
    expect(online).toMatchObject({ channel: 'ONLINE', agency: AGENCIES.ngocHa, intakeAgency: null });
    // 3 working days from Mon 1 June, 09:00 → the close of Thu 4 June
    expect(dossierOf(await act(tokens.ngocHa, 'receiveDossier', online.id), 'receiveDossier')).toMatchObject({
      intakeAgency: AGENCIES.ngocHa,
      dueAt: iso(6, 4, 17),
    });
    await act(tokens.ngocHa, 'requestSupplement', online.id, { items: ['ảnh'], reason: 'thiếu ảnh' });
    hub.setNow(local(6, 2, 15));
    const supplied = dossierOf(await act(tokens.portal1, 'supplySupplement', online.id), 'supplySupplement');
    // stopped Mon 1 June 09:00 → Tue 2 June 15:00: one working day (Tue) → the close of Fri 5 June
    expect(supplied).toMatchObject({ status: 'PROCESSING', dueAt: iso(6, 5, 17) });
    const withdrawn = dossierOf(
      await act(tokens.portal1, 'withdrawDossier', online.id, { reason: 'nộp nhầm' }, 'WithdrawDossierInput'),
      'withdrawDossier',
    );
    expect(withdrawn).toMatchObject({ status: 'WITHDRAWN', portalStatus: 7 });
  });

  it('identifies a citizen by the QR of their ID card, at the desk only', async () => {
    const query = `mutation($qr: String!) { identifyCitizenByQr(qr: $qr) { personalId previousIdNumber fullName dateOfBirth gender issuedOn } }`;
    const res = await hub.gql(tokens.baDinh, query, { qr: qrOf(2) });
    expect(res.data!.identifyCitizenByQr).toEqual({
      personalId: pid(2),
      previousIdNumber: null,
      fullName: hub.citizens[2]!.fullName,
      dateOfBirth: hub.citizens[2]!.dateOfBirth,
      gender: hub.citizens[2]!.gender,
      issuedOn: '2021-08-10',
    });
    const bad = await hub.gql(tokens.baDinh, query, { qr: qrOf(2).replace('|10082021', '|31022021') });
    expect(errorOf(bad)).toMatchObject({
      code: 'BAD_USER_INPUT',
      hubCode: 'IDENTITY_QR_INVALID',
      position: 7,
      name: 'issuedOn',
      field: 'qr',
    });
    expect(JSON.stringify(bad)).not.toContain(pid(2));
    expect(errorOf(await hub.gql(tokens.portal0, query, { qr: qrOf(2) }))).toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});

describe('dossier mutations: who may act', () => {
  let id: string;
  beforeAll(async () => {
    hub.setNow(local(7, 1, 9));
    id = dossierOf(
      await hub.gql(tokens.baDinh, SUBMIT, {
        input: { procedure: THREE_DAYS, applicantPersonalId: pid(0), declaration },
      }),
      'submitDossier',
    ).id;
    await act(tokens.baDinh, 'receiveDossier', id);
  });

  it('refuses another agency, a portal acting for another citizen and the wrong role, appending nothing', async () => {
    const before = await eventsOf(id);
    const other = await act(tokens.ngocHa, 'approveDossier', id);
    expect(errorOf(other)).toMatchObject({ code: 'FORBIDDEN', hubCode: 'AUTH_FORBIDDEN' });
    expect(other.data).toBeNull();
    const stranger = await act(tokens.portal1, 'withdrawDossier', id, {}, 'WithdrawDossierInput');
    expect(errorOf(stranger)).toMatchObject({ code: 'BAD_USER_INPUT', hubCode: 'DOSSIER_NOT_FOUND' });
    const portalAsDesk = await act(tokens.portal0, 'approveDossier', id);
    expect(errorOf(portalAsDesk)).toMatchObject({ code: 'FORBIDDEN' });
    const inspectorActs = await act(
      tokens.inspector,
      'rejectDossier',
      id,
      { reason: 'x' },
      'DossierReasonInput',
    );
    expect(errorOf(inspectorActs)).toMatchObject({ code: 'FORBIDDEN' });
    expect(await eventsOf(id)).toEqual(before);
    // the other agency does not see it either; the citizen's own portal does
    const ONE = 'query($id: ID!) { dossier(id: $id) { id } }';
    expect((await hub.gql(tokens.ngocHa, ONE, { id })).data).toEqual({ dossier: null });
    expect((await hub.gql(tokens.portal0, ONE, { id })).data).toEqual({ dossier: { id } });
  });

  it('after a transfer: the new agency decides, the desk that took it in still returns the result', async () => {
    const moved = dossierOf(
      await act(tokens.baDinh, 'transferDossier', id, { to: AGENCIES.ngocHa, reason: 'thẩm quyền' }),
      'transferDossier',
    );
    expect(moved).toMatchObject({ agency: AGENCIES.ngocHa, intakeAgency: AGENCIES.baDinh });
    expect(errorOf(await act(tokens.baDinh, 'approveDossier', id))).toMatchObject({ code: 'FORBIDDEN' });
    dossierOf(await act(tokens.ngocHa, 'approveDossier', id), 'approveDossier');
    dossierOf(await act(tokens.ngocHa, 'issueResult', id, { paper: true }), 'issueResult');
    const returned = dossierOf(
      await act(tokens.baDinh, 'returnResult', id, { channel: 'DESK' }),
      'returnResult',
    );
    expect(returned.timeline.at(-1)).toMatchObject({ type: 'DossierResultReturned', actor: AGENCIES.baDinh });
    const ONE = 'query($id: ID!) { dossier(id: $id) { id } }';
    expect((await hub.gql(tokens.baDinh, ONE, { id })).data).toEqual({ dossier: { id } });
  });

  it('answers bad input with a typed error naming the field, never INTERNAL, and appends nothing', async () => {
    const position = (await hub.store.info()).lastPosition;
    const cases: [GqlResponse, Record<string, unknown>][] = [
      [await act(tokens.baDinh, 'approveDossier', 'not-a-dossier'), { code: 'BAD_USER_INPUT', field: 'id' }],
      [
        await hub.gql(tokens.baDinh, SUBMIT, {
          input: { procedure: THREE_DAYS, applicantQr: qrOf(0).replace(/^\d{12}/, '12345'), declaration },
        }),
        { hubCode: 'IDENTITY_QR_INVALID', field: 'input.applicantQr', position: 1, name: 'personalId' },
      ],
      [
        await hub.gql(tokens.baDinh, SUBMIT, {
          input: { procedure: THREE_DAYS, applicantPersonalId: pid(0), declaration: { values: [1] } },
        }),
        { hubCode: 'DOSSIER_INVALID', field: 'input.declaration.values' },
      ],
      [
        await hub.gql(tokens.baDinh, SUBMIT, { input: { procedure: THREE_DAYS, declaration } }),
        { hubCode: 'DOSSIER_INVALID', field: 'input.applicantQr' },
      ],
      [
        await hub.gql(tokens.baDinh, SUBMIT, {
          input: { procedure: '9.999999', applicantPersonalId: pid(0), declaration },
        }),
        { hubCode: 'DOSSIER_PROCEDURE_UNKNOWN', field: 'input.procedure' },
      ],
      [
        await hub.gql(tokens.portal0, SUBMIT, {
          input: { procedure: THREE_DAYS, agency: '000.99.99.H99', declaration },
        }),
        { hubCode: 'DOSSIER_INVALID', field: 'input.agency' },
      ],
      [
        await hub.gql(tokens.baDinh, SUBMIT, {
          input: {
            procedure: THREE_DAYS,
            applicantPersonalId: pid(0),
            declaration,
            components: [{ component: 'giay-de-nghi', documentId: 'bad id' }],
          },
        }),
        { hubCode: 'DOSSIER_INVALID', field: 'input.components[0].documentId' },
      ],
      [
        await act(
          tokens.baDinh,
          'refuseAtIntake',
          `${AGENCIES.baDinh}-260701-0099`,
          { reason: 'x' },
          'DossierReasonInput',
        ),
        { hubCode: 'DOSSIER_NOT_FOUND' },
      ],
      [
        await act(tokens.baDinh, 'receiveDossier', id),
        { hubCode: 'DOSSIER_INVALID_TRANSITION', status: 'returned' },
      ],
      [
        await act(tokens.baDinh, 'completeStep', id, { step: 'x'.repeat(201) }),
        { code: 'BAD_USER_INPUT', field: 'input.step' },
      ],
      [
        await act(tokens.baDinh, 'notifyFee', id, { kind: 'FEE', amountVnd: 1.5 }),
        { code: 'BAD_USER_INPUT', field: 'input.amountVnd' },
      ],
      [
        await act(tokens.baDinh, 'issueResult', id, {
          electronic: { documentId: 'kq-1', contentHash: 'abc' },
        }),
        { hubCode: 'DOSSIER_INVALID', field: 'input.electronic.contentHash' },
      ],
    ];
    for (const [res, expected] of cases) {
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', ...expected });
    }
    expect((await hub.store.info()).lastPosition).toBe(position);
  });
});

describe('dossier mutations without a procedure catalogue', () => {
  it('refuses a submission with PROCEDURE_CATALOGUE_UNAVAILABLE and records nothing', async () => {
    const bare = await startTestHub({
      citizens: 1,
      projections: [...API_PROJECTIONS, dossiersProjection],
      modules: hubModules.filter((m) => m.name !== 'procedures'),
    });
    try {
      const token = await bare.token(AGENCIES.baDinh, 'consumer');
      const position = (await bare.store.info()).lastPosition;
      const res = await bare.gql(token, SUBMIT, {
        input: { procedure: THREE_DAYS, applicantPersonalId: bare.citizens[0]!.personalId, declaration },
      });
      expect(res.status).toBe(503);
      expect(res.errors?.[0]).toMatchObject({
        message: `no procedure catalogue is available to look up procedure ${THREE_DAYS}`,
        extensions: { code: 'UNAVAILABLE', hubCode: 'PROCEDURE_CATALOGUE_UNAVAILABLE' },
      });
      expect((await bare.store.info()).lastPosition).toBe(position);
    } finally {
      await bare.close();
    }
  }, 60_000);
});
