import { describe, expect, it } from 'vitest';
import { createEventValidator } from '../../events/validator.js';
import { DeciderSpecification } from '../../kernel/decider/index.js';
import {
  DossierAlreadyExistsError,
  DossierAlreadyRatedError,
  DossierChildNotLinkedError,
  DossierChildrenPendingError,
  DossierInvalidInputError,
  DossierInvalidTransitionError,
  DossierNotFoundError,
  DossierObligationAlreadyPaidError,
  DossierObligationNotFoundError,
  DossierPaymentAmountMismatchError,
  UnknownCommandError,
} from '../../kernel/errors/index.js';
import type * as C from './commands.js';
import { dossierDecider } from './decider.js';
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
  sealedDeclaration,
  submittedData,
} from './spec-fixtures.js';
import { type DossierStatus, dossierStatuses } from './state.js';

const validator = createEventValidator();
const { given } = DeciderSpecification.for(dossierDecider, { validate: (e) => validator.validate(e) });
const h = histories();
const id = { dossierId: ID };
const later = at(20);

/** A well-formed command of every type but submission and payment (their refusals come first, below). */
const commands: Record<
  Exclude<C.DossierCommand['type'], 'SubmitDossier' | 'PayFinancialObligation'>,
  C.DossierCommand
> = {
  RefuseDossier: command('RefuseDossier', { ...id, reason: 'r', official: OFFICIAL }, later, 50),
  ReceiveDossier: command('ReceiveDossier', { ...id, official: OFFICIAL, appointmentAt: at(30) }, later, 50),
  AssignDossier: command('AssignDossier', { ...id, official: 'x', department: null }, later, 50),
  TransferDossier: command('TransferDossier', { ...id, to: '000.08.01.H26', reason: 'r' }, later, 50),
  CompleteStep: command('CompleteStep', { ...id, step: 's', official: OFFICIAL }, later, 50),
  RequestSupplement: command('RequestSupplement', { ...id, items: ['i'], reason: 'r' }, later, 50),
  SupplySupplement: command(
    'SupplySupplement',
    {
      ...id,
      pausedWorkingTime: { amount: 1, unit: 'day' },
      dueAt: at(30),
      appointmentAt: at(30),
      components: [],
    },
    later,
    50,
  ),
  NotifyFinancialObligation: command(
    'NotifyFinancialObligation',
    { ...id, obligationId: 'ob-9', kind: 'fee', amountVnd: 1000 },
    later,
    50,
  ),
  IssueApology: command('IssueApology', { ...id, reason: 'r', appointmentAt: at(30) }, later, 50),
  ApproveDossier: command('ApproveDossier', { ...id, official: OFFICIAL }, later, 50),
  RejectDossier: command('RejectDossier', { ...id, official: OFFICIAL, reason: 'r' }, later, 50),
  StopProcessing: command('StopProcessing', { ...id, reason: 'r' }, later, 50),
  IssueResult: command('IssueResult', { ...id, electronic: null, paper: true }, later, 50),
  ReturnResult: command('ReturnResult', { ...id, channel: 'online' }, later, 50),
  WithdrawDossier: command('WithdrawDossier', { ...id, applicant: APPLICANT, reason: null }, later, 50),
  RateDossier: command('RateDossier', { ...id, applicant: APPLICANT, score: 5, outOf: 5 }, later, 50),
  ResolveComponent: command(
    'ResolveComponent',
    { ...id, component: 'TP1', resolution: { kind: 'uploaded', documentId: 'd' } },
    later,
    50,
  ),
  RecordPrefill: command(
    'RecordPrefill',
    { ...id, sealed: sealedDeclaration(), fields: ['fullName'], held: [], accesses: [] },
    later,
    50,
  ),
  CompleteDeclaration: command(
    'CompleteDeclaration',
    {
      ...id,
      declaration: { sealed: sealedDeclaration(), fields: { prefilled: 1, typed: 1 } },
      components: [],
    },
    later,
    50,
  ),
  LinkChild: command(
    'LinkChild',
    { ...id, child: CHILD, procedure: { code: '1.000656', version: '1' } },
    later,
    50,
  ),
  RecordChildCompleted: command(
    'RecordChildCompleted',
    { ...id, child: CHILD, outcome: 'stopped' },
    later,
    50,
  ),
};

/** The lifecycle table of the README: where each command may be decided (written out, not read from the decider). */
const lifecycle: Record<keyof typeof commands, readonly DossierStatus[] | 'any'> = {
  RefuseDossier: ['submitted'],
  ReceiveDossier: ['submitted'],
  AssignDossier: ['received', 'processing'],
  TransferDossier: ['submitted', 'received', 'processing'],
  CompleteStep: ['received', 'processing'],
  RequestSupplement: ['received', 'processing'],
  SupplySupplement: ['awaiting-supplement'],
  NotifyFinancialObligation: ['received', 'processing', 'approved', 'result-issued'],
  IssueApology: ['received', 'processing', 'awaiting-supplement', 'awaiting-payment', 'approved'],
  ApproveDossier: ['received', 'processing'],
  RejectDossier: ['received', 'processing'],
  StopProcessing: ['received', 'processing', 'awaiting-supplement', 'awaiting-payment'],
  IssueResult: ['approved'],
  ReturnResult: ['result-issued', 'rejected'],
  WithdrawDossier: ['submitted', 'received', 'processing', 'awaiting-supplement', 'awaiting-payment'],
  RateDossier: ['returned'],
  ResolveComponent: ['submitted', 'received', 'processing', 'awaiting-supplement'],
  RecordPrefill: ['submitted', 'received'],
  CompleteDeclaration: ['submitted', 'received'],
  LinkChild: ['submitted', 'received', 'processing', 'awaiting-supplement', 'awaiting-payment', 'approved'],
  RecordChildCompleted: 'any',
};

describe('dossier decider: transitions', () => {
  it('refuses every command outside the statuses it is allowed from, naming the status and the command', () => {
    let refused = 0;
    for (const [type, cmd] of Object.entries(commands)) {
      const allowed = lifecycle[type as keyof typeof commands];
      for (const status of dossierStatuses) {
        if (allowed === 'any' || allowed.includes(status)) continue;
        given(h[status])
          .when(cmd)
          .thenThrows(
            DossierInvalidTransitionError,
            (e) => e.dossierStatus === status && e.command === type && e.dossierId === ID,
          );
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(150);
  });

  it('accepts every command in every status it is allowed from', () => {
    const withChild = (events: E.DossierEvent[]) => [
      ...events,
      event<E.DossierChildLinked>(
        'DossierChildLinked',
        { ...id, child: CHILD, procedure: { code: '1.000656', version: '1' } },
        at(0, 1),
        40,
      ),
    ];
    for (const [type, cmd] of Object.entries(commands)) {
      const allowed = lifecycle[type as keyof typeof commands];
      const statuses = allowed === 'any' ? dossierStatuses : allowed;
      for (const status of statuses) {
        const history = type === 'RecordChildCompleted' ? withChild(h[status]) : h[status];
        const events = dossierDecider.decide(
          cmd,
          history.reduce(dossierDecider.evolve, dossierDecider.initialState()),
        );
        expect(events.length, `${type} from ${status}`).toBeGreaterThan(0);
        for (const e of events) validator.validate(e);
      }
    }
  });

  it('knows no dossier before its submission, and submits a number only once', () => {
    for (const cmd of Object.values(commands)) {
      given([])
        .when(cmd)
        .thenThrows(DossierNotFoundError, (e) => e.dossierId === ID);
    }
    const submit = command<C.SubmitDossier>(
      'SubmitDossier',
      { ...submittedData(), components: [] },
      at(0),
      1,
    );
    given(h.submitted)
      .when(submit)
      .thenThrows(DossierAlreadyExistsError, (e) => e.dossierId === ID);
    const other = { ...commands.ApproveDossier, data: { dossierId: CHILD, official: OFFICIAL } };
    given(h.processing)
      .when(other as C.DossierCommand)
      .thenThrows(DossierNotFoundError, (e) => e.dossierId === CHILD);
  });

  it('refuses withdrawal after a decision, even while a fee is awaited', () => {
    const notified = event<E.DossierFinancialObligationNotified>(
      'DossierFinancialObligationNotified',
      { ...id, obligationId: 'ob-2', kind: 'fee', amountVnd: 20_000 },
      at(5, 5),
      9,
    );
    given([...h.approved, notified])
      .when(commands.WithdrawDossier)
      .thenThrows(DossierInvalidTransitionError, (e) => e.dossierStatus === 'awaiting-payment');
  });

  it('refuses unknown commands', () => {
    given(h.submitted)
      .when({ ...commands.ApproveDossier, type: 'Explode' } as unknown as C.DossierCommand)
      .thenThrows(UnknownCommandError);
  });
});

describe('dossier decider: refusals of the citizen and of payments', () => {
  it('hides another applicant’s dossier on withdrawal and rating', () => {
    const stranger = 'f'.repeat(32);
    given(h.submitted)
      .when({
        ...commands.WithdrawDossier,
        data: { ...id, applicant: stranger, reason: null },
      } as C.DossierCommand)
      .thenThrows(DossierNotFoundError);
    given(h.returned)
      .when({
        ...commands.RateDossier,
        data: { ...id, applicant: stranger, score: 5, outOf: 5 },
      } as C.DossierCommand)
      .thenThrows(DossierNotFoundError);
  });

  it('takes one rating on its scale', () => {
    const rated = event<E.DossierRated>('DossierRated', { ...id, score: 5, outOf: 5 }, at(8), 8);
    given([...h.returned, rated])
      .when(commands.RateDossier)
      .thenThrows(DossierAlreadyRatedError, (e) => e.dossierId === ID);
    const rate = (score: number, outOf: number) =>
      ({ ...commands.RateDossier, data: { ...id, applicant: APPLICANT, score, outOf } }) as C.DossierCommand;
    given(h.returned)
      .when(rate(6, 5))
      .thenThrows(DossierInvalidInputError, (e) => e.field === 'input.score');
    given(h.returned)
      .when(rate(0, 5))
      .thenThrows(DossierInvalidInputError, (e) => e.field === 'input.score');
    given(h.returned)
      .when(rate(3, 11))
      .thenThrows(DossierInvalidInputError, (e) => e.field === 'input.outOf');
    given(h.returned)
      .when(rate(7, 10))
      .then([event('DossierRated', { ...id, score: 7, outOf: 10 }, later, 50)]);
  });

  it('refuses a payment of another amount, of an unknown obligation, or paid already', () => {
    const pay = (obligationId: string, amountVnd: number) =>
      command<C.PayFinancialObligation>(
        'PayFinancialObligation',
        { ...id, obligationId, method: 'desk', amountVnd, paymentReference: 'BL-1' },
        at(3),
        5,
      );
    given(h['awaiting-payment'])
      .when(pay('ob-1', 40_000))
      .thenThrows(DossierPaymentAmountMismatchError, (e) => e.expectedVnd === 50_000 && e.paidVnd === 40_000);
    given(h['awaiting-payment']).when(pay('ob-7', 50_000)).thenThrows(DossierObligationNotFoundError);
    const paid = event<E.DossierFinancialObligationPaid>(
      'DossierFinancialObligationPaid',
      { ...id, obligationId: 'ob-1', method: 'desk', amountVnd: 50_000, paymentReference: 'BL-1' },
      at(3),
      5,
    );
    given([...h['awaiting-payment'], paid])
      .when(pay('ob-1', 50_000))
      .thenThrows(DossierObligationAlreadyPaidError);
    given(h.processing).when(pay('ob-1', 50_000)).thenThrows(DossierObligationNotFoundError);
    given([]).when(pay('ob-1', 50_000)).thenThrows(DossierNotFoundError);
    const again = {
      ...commands.NotifyFinancialObligation,
      data: { ...id, obligationId: 'ob-1', kind: 'fee', amountVnd: 1 },
    };
    given([...h['awaiting-payment'], paid])
      .when(again as C.DossierCommand)
      .thenThrows(DossierInvalidInputError, (e) => e.field === 'input.obligationId');
    const free = {
      ...commands.NotifyFinancialObligation,
      data: { ...id, obligationId: 'ob-3', kind: 'fee', amountVnd: 0 },
    };
    given(h.processing)
      .when(free as C.DossierCommand)
      .thenThrows(DossierInvalidInputError, (e) => e.field === 'input.amountVnd');
  });
});

describe('dossier decider: refusals of malformed input', () => {
  const invalid = (history: E.DossierEvent[], cmd: C.DossierCommand, field: string) =>
    given(history)
      .when(cmd)
      .thenThrows(DossierInvalidInputError, (e) => e.field === field);
  const patch = <T extends C.DossierCommand>(cmd: T, data: Partial<T['data']>) =>
    ({ ...cmd, data: { ...cmd.data, ...data } }) as C.DossierCommand;

  it('checks times: canonical instants, an appointment after reception, no date moving backwards', () => {
    invalid(
      h.submitted,
      patch(commands.ReceiveDossier as C.ReceiveDossier, { appointmentAt: '2026-04-01' }),
      'input.appointmentAt',
    );
    invalid(
      h.submitted,
      patch(commands.ReceiveDossier as C.ReceiveDossier, { appointmentAt: at(19) }),
      'input.appointmentAt',
    );
    const supply = commands.SupplySupplement as C.SupplySupplement;
    invalid(h['awaiting-supplement'], patch(supply, { dueAt: at(9) }), 'input.dueAt');
    invalid(h['awaiting-supplement'], patch(supply, { appointmentAt: at(9) }), 'input.appointmentAt');
    invalid(
      h['awaiting-supplement'],
      patch(supply, { pausedWorkingTime: { amount: -1, unit: 'day' } }),
      'input.pausedWorkingTime.amount',
    );
    invalid(
      h.processing,
      patch(commands.IssueApology as C.IssueApology, { appointmentAt: APPOINTMENT }),
      'input.appointmentAt',
    );
    invalid(h.processing, patch(commands.IssueApology as C.IssueApology, { reason: ' ' }), 'input.reason');
  });

  it('checks the rest: reasons, assignees, transfers, items, results, counts, components, parents', () => {
    invalid(h.submitted, patch(commands.RefuseDossier as C.RefuseDossier, { reason: '' }), 'input.reason');
    invalid(
      h.received,
      patch(commands.AssignDossier as C.AssignDossier, { official: null }),
      'input.official',
    );
    invalid(h.received, patch(commands.TransferDossier as C.TransferDossier, { to: AGENCY }), 'input.to');
    invalid(
      h.received,
      patch(commands.RequestSupplement as C.RequestSupplement, { items: [] }),
      'input.items',
    );
    invalid(h.received, patch(commands.CompleteStep as C.CompleteStep, { step: '' }), 'input.step');
    invalid(h.processing, patch(commands.RejectDossier as C.RejectDossier, { reason: '' }), 'input.reason');
    invalid(h.processing, patch(commands.StopProcessing as C.StopProcessing, { reason: '' }), 'input.reason');
    invalid(h.approved, patch(commands.IssueResult as C.IssueResult, { paper: false }), 'input.electronic');
    invalid(h.submitted, patch(commands.LinkChild as C.LinkChild, { child: ID }), 'input.child');
    const submit = (over: Partial<C.SubmitDossier['data']>) =>
      command<C.SubmitDossier>('SubmitDossier', { ...submittedData(), components: [], ...over }, at(0), 1);
    invalid([], submit({ parent: ID }), 'input.parent');
    invalid(
      [],
      submit({ declaration: { ...submittedData().declaration, fields: { prefilled: -1, typed: 0 } } }),
      'input.declaration.fields.prefilled',
    );
    const twice = { component: 'TP1', resolution: { kind: 'uploaded', documentId: 'd' } } as const;
    invalid([], submit({ components: [twice, twice] }), 'input.components[1]');
  });

  it('refuses to complete a parent while a linked dossier runs, and unknown children', () => {
    const procedure = { code: '1.000656', version: '1' };
    const linked = event<E.DossierChildLinked>(
      'DossierChildLinked',
      { ...id, child: CHILD, procedure },
      at(0, 4),
      40,
    );
    given([...h.approved, linked])
      .when(commands.IssueResult)
      .thenThrows(DossierChildrenPendingError, (e) => e.pending.length === 1 && e.pending[0] === CHILD);
    given(h.approved)
      .when(commands.RecordChildCompleted)
      .thenThrows(DossierChildNotLinkedError, (e) => e.child === CHILD);
  });
});
