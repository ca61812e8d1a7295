import type { Command } from '../../kernel/decider/index.js';
import type { ProcedureDefinition, ProcedureWithdrawnData } from './events.js';

/** Publish a procedure, or its next version when the content changed; nothing when unchanged. */
export type PublishProcedure = Command<'PublishProcedure', ProcedureDefinition>;
/** Withdraw the version in force, with a reason. */
export type WithdrawProcedure = Command<'WithdrawProcedure', Omit<ProcedureWithdrawnData, 'version'>>;

export type ProcedureCommand = PublishProcedure | WithdrawProcedure;
