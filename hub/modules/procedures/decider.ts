import { createHash } from 'node:crypto';
import stringify from 'safe-stable-stringify';
import { type Decider, eventOf } from '../../kernel/decider/index.js';
import {
  ProcedureNotFoundError,
  ProcedureStateError,
  UnknownCommandError,
} from '../../kernel/errors/index.js';
import type { ProcedureCommand, PublishProcedure, WithdrawProcedure } from './commands.js';
import type {
  ProcedureDefinition,
  ProcedureEvent,
  ProcedurePublishedData,
  ProcedureWithdrawnData,
} from './events.js';

export type ProcedureState =
  | { status: 'none' }
  | { status: 'published'; current: ProcedurePublishedData }
  | { status: 'withdrawn'; current: ProcedurePublishedData; withdrawal: ProcedureWithdrawnData };

export const initialState = (): ProcedureState => ({ status: 'none' });

/** SHA-256 of the definition with keys sorted: key order is not content. */
export const contentHash = (definition: ProcedureDefinition) =>
  createHash('sha256').update(stringify(definition)).digest('hex');

export const evolve = (state: ProcedureState, event: ProcedureEvent): ProcedureState => {
  switch (event.type) {
    case 'ProcedurePublished':
      return { status: 'published', current: event.data };
    case 'ProcedureWithdrawn':
      return state.status === 'none' ? state : { ...state, status: 'withdrawn', withdrawal: event.data };
    default:
      return state;
  }
};

export const decide = (command: ProcedureCommand, state: ProcedureState): ProcedureEvent[] => {
  switch (command.type) {
    case 'PublishProcedure':
      return publish(command, state);
    case 'WithdrawProcedure':
      return withdraw(command, state);
    default: {
      const never: never = command;
      throw new UnknownCommandError(never);
    }
  }
};

function publish({ data: definition, meta }: PublishProcedure, state: ProcedureState): ProcedureEvent[] {
  const hash = contentHash(definition);
  if (state.status !== 'none' && state.current.contentHash === hash) return [];
  if (state.status === 'withdrawn') {
    throw new ProcedureStateError(
      definition.code,
      `withdrawn on ${state.withdrawal.withdrawnOn}; a withdrawn procedure is not published again`,
    );
  }
  const version = state.status === 'none' ? 1 : state.current.version + 1;
  return [
    eventOf(meta, 'ProcedurePublished', { code: definition.code, version, contentHash: hash, definition }),
  ];
}

function withdraw({ data, meta }: WithdrawProcedure, state: ProcedureState): ProcedureEvent[] {
  if (data.reason.trim() === '') throw new ProcedureStateError(data.code, 'a withdrawal needs a reason');
  if (state.status === 'none') throw new ProcedureNotFoundError(data.code);
  if (state.status === 'withdrawn') {
    const same = state.withdrawal.reason === data.reason && state.withdrawal.withdrawnOn === data.withdrawnOn;
    if (same) return [];
    throw new ProcedureStateError(data.code, `already withdrawn on ${state.withdrawal.withdrawnOn}`);
  }
  return [eventOf(meta, 'ProcedureWithdrawn', { ...data, version: state.current.version })];
}

/** The catalogue's decider: one stream `procedure-<code>` per procedure. */
export const procedureDecider: Decider<ProcedureCommand, ProcedureState, ProcedureEvent> = {
  decide,
  evolve,
  initialState,
};
