import type { Command } from '../../kernel/decider/index.js';
import type { ContractRevokedData, ContractTerms } from './events.js';

/** Register a contract, or amend it when its terms changed (a new version); nothing when unchanged. */
export type ApplyContract = Command<'ApplyContract', ContractTerms>;
/** Revoke the version in force, with a reason. */
export type RevokeContract = Command<'RevokeContract', Omit<ContractRevokedData, 'version'>>;

export type ContractCommand = ApplyContract | RevokeContract;
