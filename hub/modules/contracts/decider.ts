import { createHash } from 'node:crypto';
import stringify from 'safe-stable-stringify';
import { ContractNotFoundError, ContractStateError } from '../../kernel/errors/index.js';
import type { CommandMeta } from '../agencies/index.js';
import type { ContractEvent, ContractRevokedData, ContractTerms, ContractVersionData } from './events.js';

export type ContractCommand =
  | { type: 'ApplyContract'; terms: ContractTerms; meta: CommandMeta }
  | { type: 'RevokeContract'; revocation: Omit<ContractRevokedData, 'version'>; meta: CommandMeta };

export type ContractState =
  | { status: 'none' }
  | { status: 'active'; current: ContractVersionData }
  | { status: 'revoked'; current: ContractVersionData; revocation: ContractRevokedData };

export const initialState: ContractState = { status: 'none' };

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
      throw new ContractStateError('?', `unknown command ${JSON.stringify(never)}`);
    }
  }
};

function apply(command: Extract<ContractCommand, { type: 'ApplyContract' }>, state: ContractState) {
  const { terms, meta } = command;
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
  const type = version === 1 ? 'ContractRegistered' : 'ContractAmended';
  return [{ id: meta.eventId, type, data, metadata: meta.metadata } as ContractEvent];
}

function revoke(command: Extract<ContractCommand, { type: 'RevokeContract' }>, state: ContractState) {
  const { revocation, meta } = command;
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
  return [{ id: meta.eventId, type: 'ContractRevoked', data, metadata: meta.metadata } as ContractEvent];
}
