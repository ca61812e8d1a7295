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
import { linkIssues } from './checks.js';
import type { ProcedureCommand, WithdrawProcedure } from './commands.js';
import { type ProcedureState, procedureDecider } from './decider.js';
import { type ProcedureDefinition, type ProcedureEvent, procedureStream } from './events.js';
import { type LoadedProcedure, toFileIssue } from './files.js';

/** A procedure as its stream says (the source of truth, whatever the read model has caught up to). */
export async function loadProcedure(store: EventStore, code: string): Promise<ProcedureState> {
  return (await aggregateStream(store, procedureStream(code), procedureDecider)).state;
}

/** Runs a catalogue command against the procedure's stream (no events when nothing changes). */
export function handleProcedureCommand(
  store: EventStore,
  command: ProcedureCommand,
): Promise<HandleCommandResult<ProcedureState, ProcedureEvent>> {
  return handleCommand(store, procedureStream(command.data.code), procedureDecider, command);
}

/** Withdraws the version in force. */
export function withdrawProcedure(
  store: EventStore,
  withdrawal: WithdrawProcedure['data'],
  meta: CommandMeta,
): Promise<HandleCommandResult<ProcedureState, ProcedureEvent>> {
  return handleProcedureCommand(store, { type: 'WithdrawProcedure', data: withdrawal, meta });
}

/**
 * Checks the links of the files against the procedures they fan out to: among the files, or else
 * published in the store. A linked procedure found in neither, or withdrawn, is an issue.
 */
export async function checkLinks(
  store: EventStore,
  procedures: readonly LoadedProcedure[],
): Promise<FileIssue[]> {
  const inSet = new Map(procedures.map((p) => [p.definition.code, p.definition]));
  const published = new Map<string, ProcedureDefinition | { missing: string }>();
  for (const code of new Set(procedures.flatMap((p) => p.definition.linked.map((l) => l.code)))) {
    if (inSet.has(code)) continue;
    const state = await loadProcedure(store, code);
    published.set(
      code,
      state.status === 'published'
        ? state.current.definition
        : {
            missing:
              state.status === 'withdrawn'
                ? `procedure ${code} was withdrawn on ${state.withdrawal.withdrawnOn}`
                : `procedure ${code} is neither among the files nor published`,
          },
    );
  }
  return procedures.flatMap((p) =>
    linkIssues(p.definition, (code) => inSet.get(code) ?? published.get(code)).map((i) => toFileIssue(p, i)),
  );
}

export interface PublishOutcome {
  code: string;
  file: string;
  /** What changed: `published v1`, `published v3`, `withdrawn on …`; empty when unchanged. */
  changes: string[];
}

export type PublishOptions = BatchOptions;

/** Appends what each procedure file changes (a new version, a withdrawal); unchanged files append nothing. */
export async function publishProcedures(
  store: EventStore,
  procedures: readonly LoadedProcedure[],
  options: PublishOptions,
): Promise<PublishOutcome[]> {
  const meta = batchMeta(options);
  const outcomes: PublishOutcome[] = [];
  for (const p of procedures) {
    const { code } = p.definition;
    const outcome: PublishOutcome = { code, file: p.file, changes: [] };
    const published = await handleProcedureCommand(store, {
      type: 'PublishProcedure',
      data: p.definition,
      meta: meta(),
    });
    for (const e of published.events) outcome.changes.push(`published v${e.data.version}`);
    if (p.withdrawn) {
      const withdrawal = { code, reason: p.withdrawn.reason, withdrawnOn: p.withdrawn.on };
      const withdrawn = await withdrawProcedure(store, withdrawal, meta());
      if (withdrawn.events.length > 0) outcome.changes.push(`withdrawn on ${p.withdrawn.on}`);
    }
    outcomes.push(outcome);
  }
  return outcomes;
}
