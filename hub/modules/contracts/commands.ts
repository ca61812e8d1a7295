import { randomUUID } from 'node:crypto';
import { type FileIssue, StreamNotFoundError } from '../../kernel/errors/index.js';
import type { Actor, EventStore, ExpectedRevision } from '../../kernel/event-store.js';
import { buildMetadata } from '../../kernel/metadata.js';
import { loadAgency } from '../agencies/index.js';
import { type ContractCommand, type ContractState, decide, evolve, initialState } from './decider.js';
import { type ContractEvent, contractStream } from './events.js';
import type { LoadedContract } from './files.js';

export async function loadContract(
  store: EventStore,
  contractId: string,
): Promise<{ state: ContractState; expectedRevision: ExpectedRevision }> {
  try {
    const events = await store.readStream(contractStream(contractId));
    const state = events.reduce((s, e) => evolve(s, e as unknown as ContractEvent), initialState);
    return { state, expectedRevision: events.at(-1)?.revision ?? 'no_stream' };
  } catch (err) {
    if (err instanceof StreamNotFoundError) return { state: initialState, expectedRevision: 'no_stream' };
    throw err;
  }
}

/** Runs a command against the contract's stream; returns the events appended (none for a no-op). */
export async function handleContractCommand(
  store: EventStore,
  command: ContractCommand,
): Promise<ContractEvent[]> {
  const id = command.type === 'ApplyContract' ? command.terms.contractId : command.revocation.contractId;
  const { state, expectedRevision } = await loadContract(store, id);
  const events = decide(command, state);
  if (events.length > 0) await store.append(contractStream(id), events, { expectedRevision });
  return events;
}

/** Provider and consumer must be registered agencies holding the provider / consumer role. */
export async function checkParties(store: EventStore, contract: LoadedContract): Promise<FileIssue[]> {
  const issues: FileIssue[] = [];
  for (const [field, role] of [
    ['provider', 'provider'],
    ['consumer', 'consumer'],
  ] as const) {
    const code = contract.terms[field];
    const { state } = await loadAgency(store, code);
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

export interface ApplyOptions {
  actor: Actor;
  now?: () => Date;
  /** Default: random UUIDs. */
  newId?: () => string;
}

/** Appends what each contract file changes (registration, amendment, revocation); idempotent. */
export async function applyContracts(
  store: EventStore,
  contracts: readonly LoadedContract[],
  options: ApplyOptions,
): Promise<ApplyOutcome[]> {
  const now = options.now ?? (() => new Date());
  const newId = options.newId ?? randomUUID;
  const correlationId = newId();
  const meta = () => ({
    eventId: newId(),
    metadata: buildMetadata({ occurredAt: now(), actor: options.actor, correlationId }),
  });
  const outcomes: ApplyOutcome[] = [];
  for (const contract of contracts) {
    const { contractId } = contract.terms;
    const outcome: ApplyOutcome = { contractId, file: contract.file, changes: [] };
    const applied = await handleContractCommand(store, {
      type: 'ApplyContract',
      terms: contract.terms,
      meta: meta(),
    });
    for (const e of applied) {
      const version = (e.data as { version: number }).version;
      outcome.changes.push(`${e.type === 'ContractRegistered' ? 'registered' : 'amended'} v${version}`);
    }
    if (contract.revoked) {
      const revocation = { contractId, reason: contract.revoked.reason, revokedOn: contract.revoked.on };
      const events = await handleContractCommand(store, { type: 'RevokeContract', revocation, meta: meta() });
      if (events.length > 0) outcome.changes.push(`revoked on ${contract.revoked.on}`);
    }
    outcomes.push(outcome);
  }
  return outcomes;
}
