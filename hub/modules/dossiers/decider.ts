import { type CommandMeta, type Decider, eventOf } from '../../kernel/decider/index.js';
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
import { deterministicId } from '../../kernel/ids.js';
import type {
  CompleteDeclaration,
  ComponentInput,
  DossierCommand,
  IssueApology,
  IssueResult,
  NotifyFinancialObligation,
  PayFinancialObligation,
  RateDossier,
  ReceiveDossier,
  SubmitDossier,
  SupplySupplement,
} from './commands.js';
import type { DossierComponentResolved, DossierEvent } from './events.js';
import {
  type Dossier,
  type DossierState,
  type DossierStatus,
  evolve,
  initialState,
  openPause,
  pendingChildren,
} from './state.js';

/** Namespace of derived dossier event ids: UUIDv5('https://lienthong.gov.vn/dossiers', URL). */
export const DOSSIER_NAMESPACE = '5f915661-6a21-54cd-af7b-063773d788b1';

type Type = DossierCommand['type'];

/** Where each command may be decided (`any`: every status); anything else is DOSSIER_INVALID_TRANSITION. */
export const allowedFrom: Readonly<Record<Exclude<Type, 'SubmitDossier'>, readonly DossierStatus[] | 'any'>> =
  {
    RefuseDossier: ['submitted'],
    ReceiveDossier: ['submitted'],
    AssignDossier: ['received', 'processing'],
    TransferDossier: ['submitted', 'received', 'processing'],
    CompleteStep: ['received', 'processing'],
    RequestSupplement: ['received', 'processing'],
    SupplySupplement: ['awaiting-supplement'],
    NotifyFinancialObligation: ['received', 'processing', 'approved', 'result-issued'],
    PayFinancialObligation: ['awaiting-payment'],
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

/** DOSSIER_INVALID_TRANSITION unless a command of `type` may be decided in the dossier's status. */
export function assertAllowed(s: DossierState, type: keyof typeof allowedFrom): void {
  const allowed = allowedFrom[type];
  if (allowed !== 'any' && !allowed.includes(s.status)) {
    throw new DossierInvalidTransitionError(s.dossierId, s.status, type);
  }
}

/** The dossier the command names, in a status the command may be decided in. */
function existing(command: Exclude<DossierCommand, SubmitDossier>, state: Dossier): DossierState {
  if (state.status === 'none' || state.dossierId !== command.data.dossierId) {
    throw new DossierNotFoundError(command.data.dossierId);
  }
  assertAllowed(state, command.type);
  return state;
}

/** A canonical ISO-8601 instant (as `Date.prototype.toISOString` writes it), or DOSSIER_INVALID. */
function instant(value: string, field: string): number {
  const t = Date.parse(value);
  if (Number.isNaN(t) || new Date(t).toISOString() !== value) {
    throw new DossierInvalidInputError(
      'must be an ISO-8601 instant in UTC (YYYY-MM-DDTHH:mm:ss.sssZ)',
      field,
    );
  }
  return t;
}

const nonEmpty = (value: string, field: string) => {
  if (value.trim() === '') throw new DossierInvalidInputError('must not be empty', field);
};

function componentEvents(
  meta: CommandMeta,
  dossierId: string,
  components: readonly ComponentInput[],
): DossierComponentResolved[] {
  const seen = new Set<string>();
  return components.map((c, i) => {
    nonEmpty(c.component, `input.components[${i}].component`);
    if (seen.has(c.component)) {
      throw new DossierInvalidInputError(`component ${c.component} is given twice`, `input.components[${i}]`);
    }
    seen.add(c.component);
    return {
      id: deterministicId(DOSSIER_NAMESPACE, meta.eventId, 'component', c.component),
      type: 'DossierComponentResolved',
      data: { dossierId, component: c.component, resolution: c.resolution },
      metadata: meta.metadata,
    };
  });
}

function checkFieldCounts(fields: { prefilled: number; typed: number }) {
  for (const key of ['prefilled', 'typed'] as const) {
    const n = fields[key];
    if (!Number.isInteger(n) || n < 0) {
      throw new DossierInvalidInputError(
        'must be a whole number, 0 or more',
        `input.declaration.fields.${key}`,
      );
    }
  }
}

function submit({ data, meta }: SubmitDossier, state: Dossier): DossierEvent[] {
  if (state.status !== 'none') throw new DossierAlreadyExistsError(data.dossierId);
  const { components, ...submitted } = data;
  checkFieldCounts(submitted.declaration.fields);
  if (submitted.parent === submitted.dossierId) {
    throw new DossierInvalidInputError('a dossier cannot be its own parent', 'input.parent');
  }
  return [
    eventOf(meta, 'DossierSubmitted', submitted),
    ...componentEvents(meta, submitted.dossierId, components),
  ];
}

function completeDeclaration({ data, meta }: CompleteDeclaration, s: DossierState): DossierEvent[] {
  const { components, declaration } = data;
  checkFieldCounts(declaration.fields);
  return [
    eventOf(meta, 'DossierDeclarationCompleted', { dossierId: s.dossierId, declaration }),
    ...componentEvents(meta, s.dossierId, components),
  ];
}

function receive({ data, meta }: ReceiveDossier, s: DossierState): DossierEvent[] {
  if (instant(data.appointmentAt, 'input.appointmentAt') <= Date.parse(meta.now)) {
    throw new DossierInvalidInputError('the appointment must be after the reception', 'input.appointmentAt');
  }
  nonEmpty(data.official, 'input.official');
  return [
    eventOf(meta, 'DossierReceived', {
      dossierId: s.dossierId,
      receivedBy: data.official,
      appointmentAt: data.appointmentAt,
    }),
  ];
}

function supply({ data, meta }: SupplySupplement, s: DossierState): DossierEvent[] {
  const pause = openPause(s)!;
  if (!(data.pausedWorkingTime.amount >= 0)) {
    throw new DossierInvalidInputError('must be 0 or more', 'input.pausedWorkingTime.amount');
  }
  if (instant(data.dueAt, 'input.dueAt') < Date.parse(s.dueAt!)) {
    throw new DossierInvalidInputError(`must not be before the deadline ${s.dueAt}`, 'input.dueAt');
  }
  if (instant(data.appointmentAt, 'input.appointmentAt') < Date.parse(s.appointmentAt!)) {
    throw new DossierInvalidInputError(
      `must not be before the appointment ${s.appointmentAt}`,
      'input.appointmentAt',
    );
  }
  return [
    eventOf(meta, 'DossierSupplementSupplied', {
      dossierId: s.dossierId,
      pausedAt: pause.from,
      pausedWorkingTime: data.pausedWorkingTime,
      dueAt: data.dueAt,
      appointmentAt: data.appointmentAt,
    }),
    ...componentEvents(meta, s.dossierId, data.components),
  ];
}

function notify({ data, meta }: NotifyFinancialObligation, s: DossierState): DossierEvent[] {
  if (s.obligations[data.obligationId]) {
    throw new DossierInvalidInputError(
      `obligation ${data.obligationId} was notified already`,
      'input.obligationId',
    );
  }
  if (!Number.isInteger(data.amountVnd) || data.amountVnd <= 0) {
    throw new DossierInvalidInputError('must be a whole number of VND above 0', 'input.amountVnd');
  }
  const { dossierId: _, ...obligation } = data;
  return [eventOf(meta, 'DossierFinancialObligationNotified', { dossierId: s.dossierId, ...obligation })];
}

function pay(command: PayFinancialObligation, state: Dossier): DossierEvent[] {
  const { data, meta } = command;
  if (state.status !== 'none') {
    const obligation = state.obligations[data.obligationId];
    if (!obligation) throw new DossierObligationNotFoundError(state.dossierId, data.obligationId);
    if (obligation.paid) throw new DossierObligationAlreadyPaidError(state.dossierId, data.obligationId);
  }
  const s = existing(command, state);
  const expected = s.obligations[data.obligationId]!.amountVnd;
  if (data.amountVnd !== expected) {
    throw new DossierPaymentAmountMismatchError(s.dossierId, data.obligationId, expected, data.amountVnd);
  }
  nonEmpty(data.paymentReference, 'input.paymentReference');
  const { dossierId: _, ...payment } = data;
  return [eventOf(meta, 'DossierFinancialObligationPaid', { dossierId: s.dossierId, ...payment })];
}

function apologize({ data, meta }: IssueApology, s: DossierState): DossierEvent[] {
  nonEmpty(data.reason, 'input.reason');
  if (instant(data.appointmentAt, 'input.appointmentAt') <= Date.parse(s.appointmentAt!)) {
    throw new DossierInvalidInputError(
      `the new appointment must be after the current one (${s.appointmentAt})`,
      'input.appointmentAt',
    );
  }
  return [
    eventOf(meta, 'DossierApologyIssued', {
      dossierId: s.dossierId,
      reason: data.reason,
      previousAppointmentAt: s.appointmentAt!,
      appointmentAt: data.appointmentAt,
    }),
  ];
}

function issueResult({ data, meta }: IssueResult, s: DossierState): DossierEvent[] {
  if (!data.electronic && !data.paper) {
    throw new DossierInvalidInputError('a result is electronic, on paper, or both', 'input.electronic');
  }
  const pending = pendingChildren(s);
  if (pending.length > 0) throw new DossierChildrenPendingError(s.dossierId, pending);
  return [
    eventOf(meta, 'DossierResultIssued', {
      dossierId: s.dossierId,
      electronic: data.electronic,
      paper: data.paper,
    }),
  ];
}

function rate(command: RateDossier, state: Dossier): DossierEvent[] {
  const { data, meta } = command;
  const s = existing(command, ownDossier(command, state));
  if (s.rating) throw new DossierAlreadyRatedError(s.dossierId);
  if (!Number.isInteger(data.outOf) || data.outOf < 2 || data.outOf > 10) {
    throw new DossierInvalidInputError('the scale must end between 2 and 10', 'input.outOf');
  }
  if (!Number.isInteger(data.score) || data.score < 1 || data.score > data.outOf) {
    throw new DossierInvalidInputError(`must be a whole number from 1 to ${data.outOf}`, 'input.score');
  }
  return [eventOf(meta, 'DossierRated', { dossierId: s.dossierId, score: data.score, outOf: data.outOf })];
}

/** The applicant's own dossier; anyone else's is not found (its existence is not revealed). */
function ownDossier(
  command: { data: { dossierId: string; applicant: string } },
  state: Dossier,
): DossierState {
  if (state.status === 'none' || state.applicant !== command.data.applicant) {
    throw new DossierNotFoundError(command.data.dossierId);
  }
  return state;
}

export function decide(command: DossierCommand, state: Dossier): DossierEvent[] {
  const { meta } = command;
  switch (command.type) {
    case 'SubmitDossier':
      return submit(command, state);
    case 'RefuseDossier': {
      const s = existing(command, state);
      nonEmpty(command.data.reason, 'input.reason');
      const { reason, official } = command.data;
      return [eventOf(meta, 'DossierRefused', { dossierId: s.dossierId, reason, refusedBy: official })];
    }
    case 'ReceiveDossier':
      return receive(command, existing(command, state));
    case 'AssignDossier': {
      const s = existing(command, state);
      const { official, department } = command.data;
      if (!official && !department) {
        throw new DossierInvalidInputError('name an official, a department or both', 'input.official');
      }
      return [
        eventOf(meta, 'DossierAssigned', { dossierId: s.dossierId, assignee: { official, department } }),
      ];
    }
    case 'TransferDossier': {
      const s = existing(command, state);
      nonEmpty(command.data.reason, 'input.reason');
      if (command.data.to === s.agency) {
        throw new DossierInvalidInputError(`the dossier is with ${s.agency} already`, 'input.to');
      }
      const { to, reason } = command.data;
      return [eventOf(meta, 'DossierTransferred', { dossierId: s.dossierId, from: s.agency, to, reason })];
    }
    case 'CompleteStep': {
      const s = existing(command, state);
      nonEmpty(command.data.step, 'input.step');
      const { step, official } = command.data;
      return [eventOf(meta, 'DossierStepCompleted', { dossierId: s.dossierId, step, by: official })];
    }
    case 'RequestSupplement': {
      const s = existing(command, state);
      if (command.data.items.length === 0) {
        throw new DossierInvalidInputError('name at least one item to supply', 'input.items');
      }
      nonEmpty(command.data.reason, 'input.reason');
      const { items, reason } = command.data;
      return [eventOf(meta, 'DossierSupplementRequested', { dossierId: s.dossierId, items, reason })];
    }
    case 'SupplySupplement':
      return supply(command, existing(command, state));
    case 'NotifyFinancialObligation':
      return notify(command, existing(command, state));
    case 'PayFinancialObligation':
      return pay(command, state);
    case 'IssueApology':
      return apologize(command, existing(command, state));
    case 'ApproveDossier': {
      const s = existing(command, state);
      return [eventOf(meta, 'DossierApproved', { dossierId: s.dossierId, by: command.data.official })];
    }
    case 'RejectDossier': {
      const s = existing(command, state);
      nonEmpty(command.data.reason, 'input.reason');
      const { official, reason } = command.data;
      return [eventOf(meta, 'DossierRejected', { dossierId: s.dossierId, by: official, reason })];
    }
    case 'StopProcessing': {
      const s = existing(command, state);
      nonEmpty(command.data.reason, 'input.reason');
      return [
        eventOf(meta, 'DossierProcessingStopped', { dossierId: s.dossierId, reason: command.data.reason }),
      ];
    }
    case 'IssueResult':
      return issueResult(command, existing(command, state));
    case 'ReturnResult': {
      const s = existing(command, state);
      return [
        eventOf(meta, 'DossierResultReturned', { dossierId: s.dossierId, channel: command.data.channel }),
      ];
    }
    case 'WithdrawDossier': {
      const s = existing(command, ownDossier(command, state));
      if (s.decision !== null) throw new DossierInvalidTransitionError(s.dossierId, s.status, command.type);
      return [eventOf(meta, 'DossierWithdrawn', { dossierId: s.dossierId, reason: command.data.reason })];
    }
    case 'RateDossier':
      return rate(command, state);
    case 'ResolveComponent': {
      const s = existing(command, state);
      const { component, resolution } = command.data;
      return componentEvents(meta, s.dossierId, [{ component, resolution }]).map((e) => ({
        ...e,
        id: meta.eventId,
      }));
    }
    case 'RecordPrefill': {
      const s = existing(command, state);
      const { dossierId: _, ...prefill } = command.data;
      const seen = new Set<string>();
      prefill.held.forEach((h, i) => {
        if (seen.has(h.component)) {
          throw new DossierInvalidInputError(`component ${h.component} is held twice`, `held[${i}]`);
        }
        seen.add(h.component);
      });
      return [eventOf(meta, 'DossierPrefilled', { dossierId: s.dossierId, ...prefill })];
    }
    case 'CompleteDeclaration':
      return completeDeclaration(command, existing(command, state));
    case 'LinkChild': {
      const s = existing(command, state);
      if (command.data.child in s.children) return [];
      if (command.data.child === s.dossierId) {
        throw new DossierInvalidInputError('a dossier cannot be its own child', 'input.child');
      }
      const { child, procedure } = command.data;
      return [eventOf(meta, 'DossierChildLinked', { dossierId: s.dossierId, child, procedure })];
    }
    case 'RecordChildCompleted': {
      const s = existing(command, state);
      const { child, outcome } = command.data;
      if (!(child in s.children)) throw new DossierChildNotLinkedError(s.dossierId, child);
      if (s.children[child] !== null) return [];
      return [
        {
          id: deterministicId(DOSSIER_NAMESPACE, s.dossierId, 'child-completed', child),
          type: 'DossierChildCompleted',
          data: { dossierId: s.dossierId, child, outcome },
          metadata: meta.metadata,
        },
      ];
    }
    default: {
      const never: never = command;
      throw new UnknownCommandError(never);
    }
  }
}

/** The dossiers' decider: one stream `dossier-<dossierId>` per dossier. */
export const dossierDecider: Decider<DossierCommand, Dossier, DossierEvent> = {
  decide,
  evolve,
  initialState,
};
