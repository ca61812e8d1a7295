import type { Command } from 'commander';
import { type GlobalOptions, withSession } from '../../cli/kit/context.js';
import { table } from '../../cli/kit/format.js';
import { cliMeta, validated } from '../../cli/kit/registry-session.js';
import { systemClock } from '../../kernel/clock.js';
import type { ProjectionDefinition } from '../../kernel/projection.js';
import { readAgencyFile, resolveAgencyEntry } from './files.js';
import { listAgencies, vietnamDate } from './queries.js';
import { registerOrUpdateAgency, retireAgency } from './service.js';

export function registerAgencyCommands(program: Command, projections: readonly ProjectionDefinition[]): void {
  const group = program
    .command('agencies')
    .description('the agency registry: organ codes, roles, keys, validity');

  group
    .command('list')
    .description('list registered agencies (from the agencies read model, caught up first)')
    .option('--on <date>', 'only agencies in force on this day (YYYY-MM-DD)')
    .option('--json', 'print JSON')
    .action(async (options: { on?: string; json?: boolean }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      const agencies = await withSession(global, projections, async ({ runner, db }) => {
        await runner.catchUp('agencies');
        return listAgencies(db, options.on ? { onDate: options.on } : {});
      });
      if (options.json) {
        console.log(JSON.stringify(agencies, null, 2));
        return;
      }
      const rows = agencies.map((a) => [
        a.organCode,
        a.level,
        a.roles.join(','),
        `${a.validFrom}…${a.validUntil ?? ''}`,
        a.status === 'retired' ? `retired → ${a.successorOrganCode ?? '-'}` : 'active',
        a.name,
      ]);
      console.log(table(['ORGAN CODE', 'LEVEL', 'ROLES', 'VALID', 'STATUS', 'NAME'], rows));
    });

  group
    .command('register')
    .description(
      'register agencies from a YAML file, or update them (e.g. rotate keys or certificates); unchanged ones are skipped',
    )
    .requiredOption('--file <path>', 'agency file (schemas/agency-seed.schema.json)')
    .action(async (options: { file: string }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      const entries = readAgencyFile(options.file);
      await withSession(global, projections, async ({ store, files, config }) => {
        const target = validated(store);
        const meta = cliMeta();
        for (const entry of entries) {
          const { agency, retirement } = await resolveAgencyEntry(entry, files.dir, {
            exchangeCaDir: config.exchange.caDir,
          });
          const events = [...(await registerOrUpdateAgency(target, agency, meta()))];
          if (retirement) events.push(...(await retireAgency(target, retirement, meta())));
          console.log(`${agency.organCode}: ${events.map((e) => e.type).join(', ') || 'unchanged'}`);
        }
      });
    });

  group
    .command('retire')
    .description('retire an agency; what is addressed to it resolves to the successor from that day')
    .argument('<code>', 'organ code of the agency to retire')
    .option('--successor <code>', 'organ code of the agency taking over')
    .option('--on <date>', 'first day no longer in force (default: today, Vietnam time)')
    .option('--reason <text>', 'why (e.g. the reorganisation decision)')
    .action(
      async (
        code: string,
        options: { successor?: string; on?: string; reason?: string },
        command: Command,
      ) => {
        const global = command.optsWithGlobals<GlobalOptions>();
        const retirement = {
          organCode: code,
          validUntil: options.on ?? vietnamDate(systemClock()),
          ...(options.successor ? { successorOrganCode: options.successor } : {}),
          ...(options.reason ? { reason: options.reason } : {}),
        };
        const events = await withSession(global, projections, ({ store }) =>
          retireAgency(validated(store), retirement, cliMeta()()),
        );
        console.log(
          events.length > 0 ? `${code}: retired from ${retirement.validUntil}` : `${code}: unchanged`,
        );
      },
    );
}
