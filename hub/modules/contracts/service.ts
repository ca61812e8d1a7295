import {
  aggregateStream,
  type BatchOptions,
  batchMeta,
  type CommandMeta,
  type HandleCommandResult,
  handleCommand,
} from '../../kernel/decider/index.js';
import type { FileIssue } from '../../kernel/errors/index.js';
import type { EventStore } from '../../kernel/event-store.js';
import { loadAgency } from '../agencies/index.js';
import type { ContractCommand, RevokeContract } from './commands.js';
import { type ContractState, contractDecider } from './decider.js';
import { type ContractEvent, contractStream } from './events.js';
import type { LoadedContract } from './files.js';

/** A contract as its stream says (the source of truth, whatever the read model has caught up to). */
export async function loadContract(store: EventStore, contractId: string): Promise<ContractState> {
  return (await aggregateStream(store, contractStream(contractId), contractDecider)).state;
}

/** Runs a contract command against the contract's stream (no events when nothing changes). */
export function handleContractCommand(
  store: EventStore,
  command: ContractCommand,
): Promise<HandleCommandResult<ContractState, ContractEvent>> {
  return handleCommand(store, contractStream(command.data.contractId), contractDecider, command);
}

/**
 * Revokes a contract. `authorize`, when given, sees the contract as its stream holds it just before
 * the decision (on every attempt) and throws to refuse.
 */
export function revokeContract(
  store: EventStore,
  revocation: RevokeContract['data'],
  meta: CommandMeta,
  authorize?: (state: ContractState) => void,
): Promise<HandleCommandResult<ContractState, ContractEvent>> {
  return handleCommand(
    store,
    contractStream(revocation.contractId),
    contractDecider,
    (state): RevokeContract => {
      authorize?.(state);
      return { type: 'RevokeContract', data: revocation, meta };
    },
  );
}

/** Provider and consumer must be registered agencies holding the provider / consumer role. */
export async function checkParties(store: EventStore, contract: LoadedContract): Promise<FileIssue[]> {
  const issues: FileIssue[] = [];
  for (const [field, role] of [
    ['provider', 'provider'],
    ['consumer', 'consumer'],
  ] as const) {
    const code = contract.terms[field];
    const state = await loadAgency(store, code);
    const at = `/${field}`;
    const line = contract.lineOf(at);
    const issue = (message: string) =>
      issues.push({ file: contract.file, path: at, ...(line ? { line } : {}), message });
    if (state.status === 'unregistered') issue(`agency ${code} is not registered`);
    else if (!state.agency.roles.includes(role)) issue(`agency ${code} is not registered for role ${role}`);
  }
  return issues;
}

export interface ApplyOutcome {
  contractId: string;
  file: string;
  /** What changed: e.g. `registered v1`, `amended v3`, `revoked`; empty when unchanged. */
  changes: string[];
}

export type ApplyOptions = BatchOptions;

/** Appends what each contract file changes (registration, amendment, revocation); idempotent. */
export async function applyContracts(
  store: EventStore,
  contracts: readonly LoadedContract[],
  options: ApplyOptions,
): Promise<ApplyOutcome[]> {
  const meta = batchMeta(options);
  const outcomes: ApplyOutcome[] = [];
  for (const contract of contracts) {
    const { contractId } = contract.terms;
    const outcome: ApplyOutcome = { contractId, file: contract.file, changes: [] };
    const applied = await handleContractCommand(store, {
      type: 'ApplyContract',
      data: contract.terms,
      meta: meta(),
    });
    for (const e of applied.events) {
      const version = (e.data as { version: number }).version;
      outcome.changes.push(`${e.type === 'ContractRegistered' ? 'registered' : 'amended'} v${version}`);
    }
    if (contract.revoked) {
      const revocation = { contractId, reason: contract.revoked.reason, revokedOn: contract.revoked.on };
      const revoked = await revokeContract(store, revocation, meta());
      if (revoked.events.length > 0) outcome.changes.push(`revoked on ${contract.revoked.on}`);
    }
    outcomes.push(outcome);
  }
  return outcomes;
}
