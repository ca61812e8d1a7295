import { describe, expect, it } from 'vitest';
import { createEventValidator } from '../../events/validator.js';
import { DeciderSpecification, fold } from '../../kernel/decider/index.js';
import { DossierInvalidInputError } from '../../kernel/errors/index.js';
import { deterministicId } from '../../kernel/ids.js';
import type * as C from './commands.js';
import { DOSSIER_NAMESPACE, dossierDecider } from './decider.js';
import type * as E from './events.js';
import {
  AGENCY,
  APPLICANT,
  APPOINTMENT,
  at,
  CHILD,
  command,
  event,
  histories,
  ID,
  OFFICIAL,
  OTHER_AGENCY,
  sealedDeclaration,
  submittedData,
  uuid,
} from './spec-fixtures.js';
import { type DossierState, judgeComponents } from './state.js';

const validator = createEventValidator();
const { given } = DeciderSpecification.for(dossierDecider, { validate: (e) => validator.validate(e) });
const h = histories();
const id = { dossierId: ID };
const state = (events: E.DossierEvent[]) => fold(dossierDecider, events) as DossierState;

describe('dossier decider: intake', () => {
  it('records a submission with its components, each component event with an id of its own', () => {
    const reused: E.ComponentResolution = {
      kind: 'reused',
      source: { kind: 'record-event', eventId: uuid(90) },
    };
    const uploaded: E.ComponentResolution = { kind: 'uploaded', documentId: 'doc-1' };
    const submit = command<C.SubmitDossier>(
      'SubmitDossier',
      {
        ...submittedData(),
        components: [
          { component: 'TP1', resolution: reused },
          { component: 'TP2', resolution: uploaded },
        ],
      },
      at(0),
      1,
    );
    const componentEvent = (component: string, resolution: E.ComponentResolution) => ({
      ...event<E.DossierComponentResolved>(
        'DossierComponentResolved',
        { ...id, component, resolution },
        at(0),
        1,
      ),
      id: deterministicId(DOSSIER_NAMESPACE, uuid(1), 'component', component),
    });
    const events = given([])
      .when(submit)
      .then([h.submitted[0]!, componentEvent('TP1', reused), componentEvent('TP2', uploaded)]);
    const s = state(events);
    expect([s.status, s.components, s.fields]).toEqual([
      'submitted',
      { TP1: 'reused', TP2: 'uploaded' },
      { prefilled: 8, typed: 2 },
    ]);
  });

  it('refuses at intake with the reason, and receives with the appointment as the legal deadline', () => {
    given(h.submitted)
      .when(
        command<C.RefuseDossier>(
          'RefuseDossier',
          { ...id, reason: 'thiếu tờ khai', official: OFFICIAL },
          at(0, 3),
          2,
        ),
      )
      .then([h.refused[1]!]);
    expect(state(h.refused)).toMatchObject({ status: 'refused', outcome: 'refused', completedAt: null });
    given(h.submitted)
      .when(
        command<C.ReceiveDossier>(
          'ReceiveDossier',
          { ...id, official: OFFICIAL, appointmentAt: APPOINTMENT },
          at(0, 3),
          2,
        ),
      )
      .then([h.received[1]!]);
    expect(state(h.received)).toMatchObject({
      status: 'received',
      dueAt: APPOINTMENT,
      appointmentAt: APPOINTMENT,
    });
  });

  it('transfers before or after reception, changing the competent agency only', () => {
    const transferred = event<E.DossierTransferred>(
      'DossierTransferred',
      { ...id, from: AGENCY, to: OTHER_AGENCY, reason: 'sai thẩm quyền' },
      at(1),
      3,
    );
    const transfer = command<C.TransferDossier>(
      'TransferDossier',
      { ...id, to: OTHER_AGENCY, reason: 'sai thẩm quyền' },
      at(1),
      3,
    );
    given(h.submitted).when(transfer).then([transferred]);
    given(h.processing).when(transfer).then([transferred]);
    expect(state([...h.submitted, transferred])).toMatchObject({
      status: 'submitted',
      agency: OTHER_AGENCY,
      transfers: 1,
    });
  });
});

describe('dossier decider: processing', () => {
  it('assigns and completes steps, which puts the dossier in processing', () => {
    given(h.received)
      .when(
        command<C.AssignDossier>(
          'AssignDossier',
          { ...id, official: 'expert-7', department: null },
          at(1),
          3,
        ),
      )
      .then([h.processing[2]!]);
    const step = event<E.DossierStepCompleted>(
      'DossierStepCompleted',
      { ...id, step: 'thẩm định', by: 'expert-7' },
      at(2),
      4,
    );
    given(h.received)
      .when(
        command<C.CompleteStep>('CompleteStep', { ...id, step: 'thẩm định', official: 'expert-7' }, at(2), 4),
      )
      .then([step]);
    expect(state([...h.received, step]).status).toBe('processing');
  });

  it('stops the clock for a supplement and resumes it with both dates moved', () => {
    const requested = h['awaiting-supplement'][3]!;
    given(h.processing)
      .when(
        command<C.RequestSupplement>(
          'RequestSupplement',
          { ...id, items: ['bản sao giấy khai sinh'], reason: 'mờ' },
          at(2),
          4,
        ),
      )
      .then([requested]);
    const paused = state(h['awaiting-supplement']);
    expect([paused.status, paused.pauses]).toEqual(['awaiting-supplement', [{ from: at(2), to: null }]]);

    const moved = { dueAt: at(13, 10), appointmentAt: at(13, 10) };
    const supply = command<C.SupplySupplement>(
      'SupplySupplement',
      { ...id, pausedWorkingTime: { amount: 3, unit: 'day' }, ...moved, components: [] },
      at(5),
      5,
    );
    const supplied = event<E.DossierSupplementSupplied>(
      'DossierSupplementSupplied',
      { ...id, pausedAt: at(2), pausedWorkingTime: { amount: 3, unit: 'day' }, ...moved },
      at(5),
      5,
    );
    given(h['awaiting-supplement']).when(supply).then([supplied]);
    const resumed = state([...h['awaiting-supplement'], supplied]);
    expect(resumed).toMatchObject({
      status: 'processing',
      dueAt: moved.dueAt,
      pauses: [{ from: at(2), to: at(5) }],
    });
  });

  it('waits for a payment and goes back to where it was once paid', () => {
    given(h.processing)
      .when(
        command<C.NotifyFinancialObligation>(
          'NotifyFinancialObligation',
          { ...id, obligationId: 'ob-1', kind: 'charge', amountVnd: 50_000 },
          at(2),
          4,
        ),
      )
      .then([h['awaiting-payment'][3]!]);
    const paid = event<E.DossierFinancialObligationPaid>(
      'DossierFinancialObligationPaid',
      { ...id, obligationId: 'ob-1', method: 'online', amountVnd: 50_000, paymentReference: 'PAY-778' },
      at(3),
      5,
    );
    given(h['awaiting-payment'])
      .when(
        command<C.PayFinancialObligation>(
          'PayFinancialObligation',
          { ...id, obligationId: 'ob-1', method: 'online', amountVnd: 50_000, paymentReference: 'PAY-778' },
          at(3),
          5,
        ),
      )
      .then([paid]);
    expect(state([...h['awaiting-payment'], paid]).status).toBe('processing');
    const afterApproval = event<E.DossierFinancialObligationNotified>(
      'DossierFinancialObligationNotified',
      { ...id, obligationId: 'ob-2', kind: 'fee', amountVnd: 20_000 },
      at(5, 5),
      9,
    );
    const paidAfterApproval = { ...paid, data: { ...paid.data, obligationId: 'ob-2', amountVnd: 20_000 } };
    expect(state([...h.approved, afterApproval]).status).toBe('awaiting-payment');
    expect(state([...h.approved, afterApproval, paidAfterApproval]).status).toBe('approved');
  });

  it('issues a letter of apology that moves the appointment but not the legal deadline', () => {
    const apology = event<E.DossierApologyIssued>(
      'DossierApologyIssued',
      { ...id, reason: 'chờ xác minh', previousAppointmentAt: APPOINTMENT, appointmentAt: at(15, 10) },
      at(9),
      6,
    );
    given(h.processing)
      .when(
        command<C.IssueApology>(
          'IssueApology',
          { ...id, reason: 'chờ xác minh', appointmentAt: at(15, 10) },
          at(9),
          6,
        ),
      )
      .then([apology]);
    expect(state([...h.processing, apology])).toMatchObject({
      appointmentAt: at(15, 10),
      dueAt: APPOINTMENT,
      apologies: 1,
    });
  });
});

describe('dossier decider: decision, result, return, rating', () => {
  it('approves, rejects or stops, each with its officials and reasons', () => {
    given(h.processing)
      .when(command<C.ApproveDossier>('ApproveDossier', { ...id, official: 'head-1' }, at(5), 5))
      .then([h.approved[3]!]);
    given(h.processing)
      .when(
        command<C.RejectDossier>(
          'RejectDossier',
          { ...id, official: 'head-1', reason: 'không đủ điều kiện' },
          at(5),
          5,
        ),
      )
      .then([h.rejected[3]!]);
    given(h.processing)
      .when(command<C.StopProcessing>('StopProcessing', { ...id, reason: 'quá hạn bổ sung' }, at(5), 5))
      .then([h.stopped[3]!]);
    expect(state(h.rejected)).toMatchObject({ status: 'rejected', completedAt: at(5), outcome: 'rejected' });
    expect(state(h.stopped)).toMatchObject({ status: 'stopped', completedAt: null, endedAt: at(5) });
    given(h['awaiting-supplement'])
      .when(command<C.StopProcessing>('StopProcessing', { ...id, reason: 'quá hạn bổ sung' }, at(5), 5))
      .then([{ ...h.stopped[3]! }]);
  });

  it('issues an electronic result with its content hash, returns it, and takes one rating', () => {
    const electronic = { documentId: 'result-1', contentHash: 'a'.repeat(64) };
    given(h.approved)
      .when(command<C.IssueResult>('IssueResult', { ...id, electronic, paper: false }, at(6), 6))
      .then([event('DossierResultIssued', { ...id, electronic, paper: false }, at(6), 6)]);
    expect(state(h['result-issued'])).toMatchObject({ status: 'result-issued', completedAt: at(6) });
    given(h['result-issued'])
      .when(command<C.ReturnResult>('ReturnResult', { ...id, channel: 'desk' }, at(7), 7))
      .then([h.returned[5]!]);
    given(h.rejected)
      .when(command<C.ReturnResult>('ReturnResult', { ...id, channel: 'postal' }, at(7), 7))
      .then([event('DossierResultReturned', { ...id, channel: 'postal' }, at(7), 7)]);
    const rated = event<E.DossierRated>('DossierRated', { ...id, score: 4, outOf: 5 }, at(8), 8);
    given(h.returned)
      .when(
        command<C.RateDossier>('RateDossier', { ...id, applicant: APPLICANT, score: 4, outOf: 5 }, at(8), 8),
      )
      .then([rated]);
    expect(state([...h.returned, rated]).rating).toEqual({ score: 4, outOf: 5 });
  });

  it('lets the citizen withdraw before a decision', () => {
    const withdraw = command<C.WithdrawDossier>(
      'WithdrawDossier',
      { ...id, applicant: APPLICANT, reason: null },
      at(0, 5),
      2,
    );
    given(h.submitted).when(withdraw).then([h.withdrawn[1]!]);
    for (const status of ['received', 'processing', 'awaiting-supplement', 'awaiting-payment'] as const) {
      const [withdrawn] = given(h[status]).when(withdraw).then([h.withdrawn[1]!]);
      expect(state([...h[status], withdrawn!])).toMatchObject({
        status: 'withdrawn',
        pauses: expect.any(Array),
      });
    }
    const paused = state([...h['awaiting-supplement'], h.withdrawn[1]!]);
    expect(paused.pauses).toEqual([{ from: at(2), to: at(0, 5) }]);
  });
});

describe('dossier decider: components and linked procedures', () => {
  it('resolves a component later, the latest resolution counting', () => {
    const askedAgain: E.ComponentResolution = {
      kind: 'asked-again',
      documentId: 'doc-9',
      heldAs: { kind: 'document', documentId: 'birth-cert-1' },
    };
    const resolved = event<E.DossierComponentResolved>(
      'DossierComponentResolved',
      { ...id, component: 'TP1', resolution: askedAgain },
      at(1),
      3,
    );
    given(h.received)
      .when(
        command<C.ResolveComponent>(
          'ResolveComponent',
          { ...id, component: 'TP1', resolution: askedAgain },
          at(1),
          3,
        ),
      )
      .then([resolved]);
    expect(state([...h.received, resolved]).components).toEqual({ TP1: 'asked-again' });
  });

  it('links children once and records their completion once, with an id of its own', () => {
    const procedure = { code: '1.000656', version: '2024' };
    const linked = event<E.DossierChildLinked>(
      'DossierChildLinked',
      { ...id, child: CHILD, procedure },
      at(0, 4),
      2,
    );
    const link = command<C.LinkChild>('LinkChild', { ...id, child: CHILD, procedure }, at(0, 4), 2);
    given(h.submitted).when(link).then([linked]);
    given([...h.submitted, linked])
      .when(link)
      .thenNothing();
    const complete = command<C.RecordChildCompleted>(
      'RecordChildCompleted',
      { ...id, child: CHILD, outcome: 'result-issued' },
      at(3),
      9,
    );
    const completed: E.DossierChildCompleted = {
      ...event<E.DossierChildCompleted>(
        'DossierChildCompleted',
        { ...id, child: CHILD, outcome: 'result-issued' },
        at(3),
        9,
      ),
      id: deterministicId(DOSSIER_NAMESPACE, ID, 'child-completed', CHILD),
    };
    given([...h.submitted, linked])
      .when(complete)
      .then([completed]);
    given([...h.submitted, linked, completed])
      .when(complete)
      .thenNothing();
    expect(state([...h.submitted, linked, completed]).children).toEqual({ [CHILD]: 'result-issued' });
  });
});

describe('dossier decider: prefill and the completed declaration', () => {
  const birthCert = { kind: 'document', documentId: 'kq-khai-sinh', eventId: uuid(80) } as const;
  const motherRecord = { kind: 'record-event', eventId: uuid(81) } as const;
  const prefillData: E.DossierPrefilledData = {
    ...id,
    sealed: sealedDeclaration(),
    fields: ['mother.fullName', 'mother.dateOfBirth'],
    held: [
      { component: 'TP1', source: motherRecord },
      { component: 'TP2', source: birthCert },
    ],
    accesses: [uuid(82)],
  };
  const prefilled = event<E.DossierPrefilled>('DossierPrefilled', prefillData, at(0, 3), 2);

  it('records what a prefill held, the latest prefill counting', () => {
    given(h.submitted)
      .when(command<C.RecordPrefill>('RecordPrefill', prefillData, at(0, 3), 2))
      .then([prefilled]);
    expect(state([...h.submitted, prefilled]).held).toEqual({ TP1: motherRecord, TP2: birthCert });
    const again = event<E.DossierPrefilled>('DossierPrefilled', { ...prefillData, held: [] }, at(0, 4), 3);
    expect(state([...h.submitted, prefilled, again]).held).toEqual({});
    const twice = { ...prefillData, held: [prefillData.held[0]!, prefillData.held[0]!] };
    given(h.submitted)
      .when(command<C.RecordPrefill>('RecordPrefill', twice, at(0, 3), 2))
      .thenThrows(DossierInvalidInputError, (e) => e.field === 'held[1]');
  });

  it('judges what the citizen provided against what the state held', () => {
    const held = state([...h.submitted, prefilled]).held;
    expect(
      judgeComponents(
        held,
        [
          { component: 'TP2', documentId: 'scan-1' },
          { component: 'TP3', documentId: 'd' },
        ],
        true,
      ),
    ).toEqual([
      { component: 'TP2', resolution: { kind: 'asked-again', documentId: 'scan-1', heldAs: birthCert } },
      { component: 'TP3', resolution: { kind: 'uploaded', documentId: 'd' } },
      { component: 'TP1', resolution: { kind: 'reused', source: motherRecord } },
    ]);
    expect(judgeComponents(held, [{ component: 'TP3', documentId: 'd' }])).toEqual([
      { component: 'TP3', resolution: { kind: 'uploaded', documentId: 'd' } },
    ]);
  });

  it('records the completed declaration with its counts and components, the counts replacing the submission’s', () => {
    const declaration = { sealed: sealedDeclaration(), fields: { prefilled: 5, typed: 1 } };
    const components = [{ component: 'TP1', resolution: { kind: 'reused', source: motherRecord } } as const];
    const [completed, resolved] = given([...h.submitted, prefilled])
      .when(
        command<C.CompleteDeclaration>(
          'CompleteDeclaration',
          { ...id, declaration, components },
          at(0, 5),
          3,
        ),
      )
      .then([
        event<E.DossierDeclarationCompleted>(
          'DossierDeclarationCompleted',
          { ...id, declaration },
          at(0, 5),
          3,
        ),
        {
          ...event<E.DossierComponentResolved>(
            'DossierComponentResolved',
            { ...id, component: 'TP1', resolution: components[0]!.resolution },
            at(0, 5),
            3,
          ),
          id: deterministicId(DOSSIER_NAMESPACE, uuid(3), 'component', 'TP1'),
        },
      ]);
    const s = state([...h.submitted, prefilled, completed!, resolved!]);
    expect(s.fields).toEqual({ prefilled: 5, typed: 1 });
    expect(s.components).toEqual({ TP1: 'reused' });
    given([...h.submitted, prefilled])
      .when(
        command<C.CompleteDeclaration>(
          'CompleteDeclaration',
          { ...id, declaration: { ...declaration, fields: { prefilled: 1.5, typed: 0 } }, components },
          at(0, 5),
          3,
        ),
      )
      .thenThrows(DossierInvalidInputError, (e) => e.field === 'input.declaration.fields.prefilled');
  });
});
