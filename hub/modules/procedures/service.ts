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
import { linkIssues } from './checks.js';
import type { ProcedureCommand, WithdrawProcedure } from './commands.js';
import { type ProcedureState, procedureDecider } from './decider.js';
import { type ProcedureDefinition, type ProcedureEvent, procedureStream } from './events.js';
import { type LoadedProcedure, toFileIssue } from './files.js';

/** A procedure as its stream says (the source of truth, whatever the read model has caught up to). */
export async function loadProcedure(store: EventStore, code: string): Promise<ProcedureState> {
  return (await aggregateStream(store, procedureStream(code), procedureDecider)).state;
}

/** Withdraws the version in force. */
export function withdrawProcedure(
  store: EventStore,
  withdrawal: WithdrawProcedure['data'],
  meta: CommandMeta,
): Promise<HandleCommandResult<ProcedureState, ProcedureEvent>> {
  const command: WithdrawProcedure = { type: 'WithdrawProcedure', data: withdrawal, meta };
  return handleCommand(store, procedureStream(withdrawal.code), procedureDecider, command);
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

/** Appends what each procedure file changes (a new version, a withdrawal); unchanged files append nothing. */
export async function publishProcedures(
  store: EventStore,
  procedures: readonly LoadedProcedure[],
  options: BatchOptions,
): Promise<PublishOutcome[]> {
  const done = await handleBatch(store, procedureDecider, procedures, options, (p, meta) => {
    const { code } = p.definition;
    const commands: ProcedureCommand[] = [{ type: 'PublishProcedure', data: p.definition, meta: meta() }];
    if (p.withdrawn) {
      const data = { code, reason: p.withdrawn.reason, withdrawnOn: p.withdrawn.on };
      commands.push({ type: 'WithdrawProcedure', data, meta: meta() });
    }
    return { stream: procedureStream(code), commands };
  });
  return done.map(({ item: p, results: [published, withdrawn] }) => ({
    code: p.definition.code,
    file: p.file,
    changes: [
      ...published!.events.map((e) => `published v${e.data.version}`),
      ...(withdrawn?.events.length ? [`withdrawn on ${p.withdrawn!.on}`] : []),
    ],
  }));
}
