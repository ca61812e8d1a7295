import type { Command } from 'commander';
import { type GlobalOptions, withSession } from '../../cli/kit/context.js';
import { table } from '../../cli/kit/format.js';
import { CLI_ACTOR, cliMeta, validated } from '../../cli/kit/registry-session.js';
import { systemClock } from '../../kernel/clock.js';
import { InvalidDocumentError } from '../../kernel/errors/index.js';
import type { ProjectionDefinition } from '../../kernel/projection.js';
import { vietnamDate } from '../agencies/index.js';
import { contractFilesIn, readContractFiles } from './files.js';
import { findContracts } from './queries.js';
import { applyContracts, checkParties, revokeContract } from './service.js';

const filesOrDefault = (files: string[]) => (files.length > 0 ? files : contractFilesIn());

/** Reads and validates contract files; throws InvalidDocumentError listing every problem. */
function readOrThrow(files: string[]) {
  const result = readContractFiles(filesOrDefault(files));
  if (result.issues.length > 0) throw new InvalidDocumentError(result.issues);
  return result.contracts;
}

export function registerContractCommands(
  program: Command,
  projections: readonly ProjectionDefinition[],
): void {
  const group = program.command('contracts').description('data-sharing contracts (contracts/*.yaml)');

  group
    .command('validate')
    .description(
      'check contract files against schemas/contract.schema.json and the datasets (no store needed)',
    )
    .argument('[files...]', 'contract files (default: contracts/*.yaml)')
    .action((files: string[]) => {
      const contracts = readOrThrow(files);
      console.log(`${contracts.length} contract(s) valid`);
    });

  group
    .command('apply')
    .description('register, amend or revoke contracts as their files say; unchanged files append nothing')
    .argument('[files...]', 'contract files (default: contracts/*.yaml)')
    .action(async (files: string[], _options: unknown, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      const contracts = readOrThrow(files);
      const outcomes = await withSession(global, projections, async ({ store }) => {
        const issues = (await Promise.all(contracts.map((c) => checkParties(store, c)))).flat();
        if (issues.length > 0) throw new InvalidDocumentError(issues);
        return applyContracts(validated(store), contracts, { actor: CLI_ACTOR });
      });
      for (const o of outcomes) console.log(`${o.contractId}: ${o.changes.join(', ') || 'unchanged'}`);
    });

  group
    .command('revoke')
    .description('revoke a contract now (also write `revoked:` into its file so apply stays consistent)')
    .argument('<id>', 'contract id')
    .requiredOption('--reason <text>', 'why it is revoked')
    .action(async (id: string, options: { reason: string }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      const revocation = { contractId: id, reason: options.reason, revokedOn: vietnamDate(systemClock()) };
      const { events } = await withSession(global, projections, ({ store }) =>
        revokeContract(validated(store), revocation, cliMeta()()),
      );
      console.log(events.length > 0 ? `${id}: revoked` : `${id}: unchanged`);
    });

  group
    .command('list')
    .description('list contracts (current versions) from the contracts read model')
    .option('--consumer <code>', 'only this consumer agency')
    .option('--on <date>', 'only contracts in force on this day')
    .option('--json', 'print JSON')
    .action(async (options: { consumer?: string; on?: string; json?: boolean }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      const contracts = await withSession(global, projections, async ({ runner, db }) => {
        await runner.catchUp('contracts');
        return findContracts(db, {
          ...(options.consumer ? { consumer: options.consumer } : {}),
          ...(options.on ? { on: options.on } : {}),
        });
      });
      if (options.json) {
        console.log(JSON.stringify(contracts, null, 2));
        return;
      }
      const rows = contracts.map((c) => [
        c.contractId,
        c.version,
        `${c.provider} → ${c.consumer}`,
        c.dataset,
        c.consentRequired ? 'yes' : 'no',
        `${c.validFrom}…${c.validUntil ?? ''}`,
        c.status,
      ]);
      console.log(
        table(['ID', 'VERSION', 'PROVIDER → CONSUMER', 'DATASET', 'CONSENT', 'VALID', 'STATUS'], rows),
      );
    });
}
