import {
  aggregateStream,
  type BatchOptions,
  type CommandMeta,
  type HandleCommandResult,
  handleBatch,
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

/** Appends what each contract file changes (registration, amendment, revocation); idempotent. */
export async function applyContracts(
  store: EventStore,
  contracts: readonly LoadedContract[],
  options: BatchOptions,
): Promise<ApplyOutcome[]> {
  const done = await handleBatch(store, contractDecider, contracts, options, (contract, meta) => {
    const { contractId } = contract.terms;
    const commands: ContractCommand[] = [{ type: 'ApplyContract', data: contract.terms, meta: meta() }];
    if (contract.revoked) {
      const data = { contractId, reason: contract.revoked.reason, revokedOn: contract.revoked.on };
      commands.push({ type: 'RevokeContract', data, meta: meta() });
    }
    return { stream: contractStream(contractId), commands };
  });
  return done.map(({ item: contract, results: [applied, revoked] }) => ({
    contractId: contract.terms.contractId,
    file: contract.file,
    changes: [
      ...applied!.events.map((e) => {
        const version = (e.data as { version: number }).version;
        return `${e.type === 'ContractRegistered' ? 'registered' : 'amended'} v${version}`;
      }),
      ...(revoked?.events.length ? [`revoked on ${contract.revoked!.on}`] : []),
    ],
  }));
}
