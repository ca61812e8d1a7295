import { createHash } from 'node:crypto';
import stringify from 'safe-stable-stringify';
import { type Decider, eventOf } from '../../kernel/decider/index.js';
import { ContractNotFoundError, ContractStateError, UnknownCommandError } from '../../kernel/errors/index.js';
import type { ApplyContract, ContractCommand, RevokeContract } from './commands.js';
import type { ContractEvent, ContractRevokedData, ContractTerms, ContractVersionData } from './events.js';

export type ContractState =
  | { status: 'none' }
  | { status: 'active'; current: ContractVersionData }
  | { status: 'revoked'; current: ContractVersionData; revocation: ContractRevokedData };

export const initialState = (): ContractState => ({ status: 'none' });

export const termsDigest = (terms: ContractTerms) =>
  createHash('sha256').update(stringify(terms)).digest('hex');

export const evolve = (state: ContractState, event: ContractEvent): ContractState => {
  switch (event.type) {
    case 'ContractRegistered':
    case 'ContractAmended':
      return { status: 'active', current: event.data };
    case 'ContractRevoked':
      return state.status === 'none' ? state : { ...state, status: 'revoked', revocation: event.data };
    default:
      return state;
  }
};

export const decide = (command: ContractCommand, state: ContractState): ContractEvent[] => {
  switch (command.type) {
    case 'ApplyContract':
      return apply(command, state);
    case 'RevokeContract':
      return revoke(command, state);
    default: {
      const never: never = command;
      throw new UnknownCommandError(never);
    }
  }
};

function apply({ data: terms, meta }: ApplyContract, state: ContractState): ContractEvent[] {
  const digest = termsDigest(terms);
  if (state.status !== 'none' && state.current.digest === digest) return [];
  if (state.status === 'revoked') {
    throw new ContractStateError(
      terms.contractId,
      'revoked contracts cannot be amended; write a new contract',
    );
  }
  if (terms.validUntil !== null && terms.validUntil <= terms.validFrom) {
    throw new ContractStateError(terms.contractId, 'validUntil must be after validFrom');
  }
  const version = state.status === 'none' ? 1 : state.current.version + 1;
  const data: ContractVersionData = { ...terms, version, digest };
  return [eventOf(meta, version === 1 ? 'ContractRegistered' : 'ContractAmended', data)];
}

function revoke({ data: revocation, meta }: RevokeContract, state: ContractState): ContractEvent[] {
  const id = revocation.contractId;
  if (revocation.reason.trim() === '') throw new ContractStateError(id, 'a revocation needs a reason');
  if (state.status === 'none') throw new ContractNotFoundError(id);
  if (state.status === 'revoked') {
    const same =
      state.revocation.reason === revocation.reason && state.revocation.revokedOn === revocation.revokedOn;
    if (same) return [];
    throw new ContractStateError(id, `already revoked on ${state.revocation.revokedOn}`);
  }
  const data: ContractRevokedData = { ...revocation, version: state.current.version };
  return [eventOf(meta, 'ContractRevoked', data)];
}

/** The contracts' decider: one stream `contract-<contractId>` per contract. */
export const contractDecider: Decider<ContractCommand, ContractState, ContractEvent> = {
  decide,
  evolve,
  initialState,
};
