import type { Command } from 'commander';
import { type GlobalOptions, withSession } from '../../cli/kit/context.js';
import { table } from '../../cli/kit/format.js';
import { CLI_ACTOR, cliMeta, validated } from '../../cli/kit/registry-session.js';
import { systemClock } from '../../kernel/clock.js';
import {
  InvalidDocumentError,
  InvalidProcedureQueryError,
  ProcedureNotFoundError,
} from '../../kernel/errors/index.js';
import type { ProjectionDefinition } from '../../kernel/projection.js';
import { vietnamDate } from '../agencies/index.js';
import type { ServiceLevel } from './events.js';
import { procedureFilesIn, readProcedureFiles } from './files.js';
import { type FieldSource, prefillPlan } from './plan.js';
import { checkProcedureCode, getProcedure, listProcedures } from './queries.js';
import { checkLinks, publishProcedures, withdrawProcedure } from './service.js';
import type { ProcedureRecord } from './types.js';

const SERVICE_LEVELS: readonly ServiceLevel[] = ['full-online', 'partly-online', 'information-only'];

/** Reads and checks the files a path names (default: procedures/); throws InvalidDocumentError listing every problem. */
function readOrThrow(target?: string) {
  const result = readProcedureFiles(procedureFilesIn(target));
  if (result.issues.length > 0) throw new InvalidDocumentError(result.issues);
  return result.procedures;
}

const vnd = (amount: number) => (amount === 0 ? 'free' : `${amount.toLocaleString('en-US')} VND`);

const sourceText = (s: FieldSource) => {
  if (s.kind === 'applicant') return `applicant ${s.attribute}`;
  if (s.kind === 'result') return `result ${s.result} ${s.field}`;
  const about = s.lookup.by === 'applicant' ? 'the applicant' : `${s.lookup.by} in ${s.lookup.field}`;
  return `${s.dataset}.${s.field} (about ${about})`;
};

/** A procedure as `show` prints it. */
export function describeProcedure(p: ProcedureRecord): string {
  const plan = prefillPlan(p);
  const fee = p.fee.schedule
    ? p.fee.schedule.map((i) => `${vnd(i.amount)} (${i.description})`).join('; ')
    : vnd(p.fee.amount ?? 0);
  const lines = [
    `${p.code}  ${p.name}`,
    `version ${p.version} (${p.status}${p.withdrawal ? ` on ${p.withdrawal.withdrawnOn}` : ''})${p.codeVerified ? '' : ', code not verified'}`,
    `field ${p.field}; level ${p.level}; ${p.serviceLevel}`,
    `fee ${fee}`,
    `processing time ${p.processingTime.amount} ${p.processingTime.unit}`,
    `result ${p.result.type}: ${p.result.name}${p.paperResultRequired ? ' (also on paper)' : ''}`,
    '',
    table(
      ['COMPONENT', 'REQUIRED', 'SUPPLY'],
      plan.components.map((c) => [
        c.code,
        c.required ? 'yes' : 'no',
        c.source.kind === 'dataset'
          ? `${c.source.dataset}: ${c.source.fields.join(', ')}`
          : c.source.kind === 'result'
            ? `result ${c.source.result}`
            : c.source.kind,
      ]),
    ),
    '',
    table(
      ['FORM FIELD', 'PREFILLED FROM'],
      [...plan.fields.map((f) => [f.path, sourceText(f.source)]), ...plan.typed.map((t) => [t, 'typed'])],
    ),
  ];
  for (const l of p.linked)
    lines.push('', `→ ${l.code}${l.condition ? ` (${l.condition})` : ''}: ${l.mappings.length} field(s)`);
  return lines.join('\n');
}

export function registerProcedureCommands(
  program: Command,
  projections: readonly ProjectionDefinition[],
): void {
  const group = program
    .command('procedures')
    .description('the catalogue of administrative procedures (procedures/*.yaml)');

  group
    .command('validate')
    .description(
      'check procedure files: schema, eForm, datasets, result types, links among the files (no store needed)',
    )
    .argument('[path]', 'a procedure file or a folder of them (default: procedures/)')
    .action((target?: string) => {
      const procedures = readOrThrow(target);
      console.log(`${procedures.length} procedure(s) valid`);
    });

  group
    .command('load')
    .description(
      'publish procedures as their files say (a new version when the content changed, withdrawals); unchanged files append nothing',
    )
    .argument('[path]', 'a procedure file or a folder of them (default: procedures/)')
    .action(async (target: string | undefined, _options: unknown, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      const procedures = readOrThrow(target);
      const outcomes = await withSession(global, projections, async ({ store }) => {
        const issues = await checkLinks(store, procedures);
        if (issues.length > 0) throw new InvalidDocumentError(issues);
        return publishProcedures(validated(store), procedures, { actor: CLI_ACTOR });
      });
      for (const o of outcomes) console.log(`${o.code}: ${o.changes.join(', ') || 'unchanged'}`);
    });

  group
    .command('withdraw')
    .description(
      'withdraw a procedure from today (also write `withdrawn:` into its file so load stays consistent)',
    )
    .argument('<code>', 'procedure code, e.g. 1.001193')
    .requiredOption('--reason <text>', 'why, e.g. the decision that repealed it')
    .action(async (code: string, options: { reason: string }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      checkProcedureCode(code, '<code>');
      const withdrawal = { code, reason: options.reason, withdrawnOn: vietnamDate(systemClock()) };
      const { events } = await withSession(global, projections, ({ store }) =>
        withdrawProcedure(validated(store), withdrawal, cliMeta()()),
      );
      console.log(events.length > 0 ? `${code}: withdrawn` : `${code}: unchanged`);
    });

  group
    .command('list')
    .description('list the catalogue (current versions) from the procedures read model')
    .option('--field <field>', 'only this field (lĩnh vực)')
    .option('--level <level>', 'only this level of competent agency')
    .option('--service-level <level>', `only this service level (${SERVICE_LEVELS.join(', ')})`)
    .option('--all', 'also withdrawn procedures')
    .option('--json', 'print JSON')
    .action(
      async (
        options: { field?: string; level?: string; serviceLevel?: string; all?: boolean; json?: boolean },
        command: Command,
      ) => {
        const global = command.optsWithGlobals<GlobalOptions>();
        const serviceLevel = options.serviceLevel as ServiceLevel | undefined;
        if (serviceLevel !== undefined && !SERVICE_LEVELS.includes(serviceLevel)) {
          throw new InvalidProcedureQueryError('--service-level', serviceLevel, SERVICE_LEVELS.join(' | '));
        }
        const procedures = await withSession(global, projections, async ({ runner, db }) => {
          await runner.catchUp('procedures');
          return listProcedures(db, {
            ...(options.field ? { field: options.field } : {}),
            ...(options.level ? { level: options.level } : {}),
            ...(serviceLevel ? { serviceLevel } : {}),
            status: options.all ? 'any' : 'published',
          });
        });
        if (options.json) {
          console.log(JSON.stringify(procedures, null, 2));
          return;
        }
        const rows = procedures.map((p) => [
          `${p.code}${p.codeVerified ? '' : '*'}`,
          p.version,
          p.name,
          p.level,
          p.serviceLevel,
          p.status,
        ]);
        console.log(table(['CODE', 'VERSION', 'NAME', 'LEVEL', 'SERVICE', 'STATUS'], rows));
        if (procedures.some((p) => !p.codeVerified)) console.log('* code not verified');
      },
    );

  group
    .command('show')
    .description('one procedure: fee, time, result, components and where each eForm field comes from')
    .argument('<code>', 'procedure code, e.g. 1.001193')
    .option('--version <n>', 'a past version (default: the current one)', (v) => Number(v))
    .option('--json', 'print JSON (the read-model record)')
    .action(async (code: string, options: { version?: number; json?: boolean }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      checkProcedureCode(code, '<code>');
      const procedure = await withSession(global, projections, async ({ runner, db }) => {
        await runner.catchUp('procedures');
        return getProcedure(db, code, options.version);
      });
      if (!procedure) {
        throw new ProcedureNotFoundError(
          options.version === undefined ? code : `${code} version ${options.version}`,
        );
      }
      console.log(options.json ? JSON.stringify(procedure, null, 2) : describeProcedure(procedure));
    });
}
