import fs from 'node:fs';
import type { Command } from 'commander';
import { type GlobalOptions, withSession } from '../../cli/kit/context.js';
import { table } from '../../cli/kit/format.js';
import { CLI_ACTOR, validated } from '../../cli/kit/registry-session.js';
import { ServiceIndexInputError } from '../../kernel/errors/index.js';
import type { ProjectionDefinition } from '../../kernel/projection.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import { loadMethods, METHODS_DIR } from './method.js';
import { defaultMethods, SERVICE_INDEX_MODEL, ServiceIndexModel } from './projection.js';
import { ServiceIndexQueries } from './queries.js';
import type { Finding } from './reconciliation.js';
import { importReport, parseReport } from './report.js';
import type { Scope } from './scope.js';

interface ScopeOptions {
  agency?: string;
  level?: string;
  province?: string;
  json?: boolean;
}

function scopeOf(o: ScopeOptions): Scope {
  const given = [o.agency, o.level, o.province].filter((v) => v !== undefined);
  if (given.length > 1) throw new ServiceIndexInputError('--agency/--level/--province', 'give at most one');
  if (o.agency) return { kind: 'agency', organCode: o.agency };
  if (o.province) return { kind: 'province', organCode: o.province };
  if (o.level) return { kind: 'level', level: o.level };
  return { kind: 'all' };
}

const scoped = (command: Command) =>
  command
    .option('--agency <organCode>', "one agency's figures")
    .option('--province <organCode>', 'a province: its agency and every agency under it')
    .option('--level <level>', 'every agency of a level of the registry')
    .option('--json', 'print JSON');

const findingLine = (f: Finding) =>
  `FLAGGED ${f.source}${f.agency ? ` ${f.agency}` : ''} ${f.period}: ${f.rule}${f.figure ? ` (${f.figure})` : ''}: expected ${f.expected}, got ${f.actual}, difference ${f.difference > 0 ? '+' : ''}${f.difference}`;

/** Brings the read models the index reads up to the store's head and the horizon to now. */
async function caughtUp(runner: { catchUp(name: string): Promise<unknown> }, db: ReadModelDb) {
  await runner.catchUp('agencies');
  await runner.catchUp(SERVICE_INDEX_MODEL);
  new ServiceIndexModel(db, defaultMethods()).advance(Date.now());
  return new ServiceIndexQueries(db, defaultMethods(), () => new Date());
}

/** `hub service-index …`: check method files, show the index, reconcile, import a period report. */
export function registerServiceIndexCommands(
  program: Command,
  projections: readonly ProjectionDefinition[],
): void {
  const group = program
    .command('service-index')
    .description(
      'the index of service to citizens and businesses (Decision 766/QĐ-TTg): methods, figures, reports',
    );

  group
    .command('methods')
    .description(
      'check method files against schemas/service-index-method.schema.json and list the versions (no store needed)',
    )
    .argument('[path]', 'a method file or folder (default: the bundled hub/modules/service-index/methods/)')
    .action((target: string | undefined) => {
      const { methods } = loadMethods(target ?? METHODS_DIR);
      const rows = methods.map((m) => [
        m.id,
        m.validFrom,
        m.validUntil ?? '',
        m.groups.length,
        m.indicators.length,
        m.totalPoints,
      ]);
      console.log(table(['VERSION', 'FROM', 'UNTIL', 'GROUPS', 'INDICATORS', 'POINTS'], rows));
    });

  scoped(
    group
      .command('show')
      .description('the index of a period: each group and indicator with numerator, denominator and points')
      .argument('<period>', 'a month 2026-03, a quarter 2026-Q1 or a year 2026'),
  ).action(async (period: string, options: ScopeOptions, command: Command) => {
    const global = command.optsWithGlobals<GlobalOptions>();
    const figures = await withSession(global, projections, async ({ runner, db }) =>
      (await caughtUp(runner, db)).index(period, scopeOf(options)),
    );
    if (options.json) return console.log(JSON.stringify(figures, null, 2));
    const rows = figures.groups.flatMap((g) =>
      g.indicators.map((i) => [
        g.code,
        i.code,
        i.numerator ?? '',
        i.denominator ?? '',
        i.score ?? '–',
        i.points,
      ]),
    );
    console.log(
      `${figures.method.id} ${figures.period.label}: ${figures.score} / ${figures.measuredPoints} measured (${figures.totalPoints})`,
    );
    console.log(table(['GROUP', 'INDICATOR', 'NUMERATOR', 'DENOMINATOR', 'SCORE', 'POINTS'], rows));
  });

  scoped(
    group
      .command('reconcile')
      .description(
        'check a period against received = carried over + new and finished + in progress = received, and imported reports against the hub',
      )
      .argument('<period>', 'a month 2026-03, a quarter 2026-Q1 or a year 2026'),
  ).action(async (period: string, options: ScopeOptions, command: Command) => {
    const global = command.optsWithGlobals<GlobalOptions>();
    const result = await withSession(global, projections, async ({ runner, db }) =>
      (await caughtUp(runner, db)).reconciliation(period, scopeOf(options)),
    );
    if (options.json) return console.log(JSON.stringify(result, null, 2));
    console.log(`${result.period}: ${JSON.stringify(result.hub)}`);
    for (const f of result.findings) console.log(findingLine(f));
    if (result.findings.length === 0) console.log('balanced');
  });

  group
    .command('import-report')
    .description(
      'import a period report (CSV: agency,period,carried_over,new,received,finished,in_progress[,overdue][,points:<indicator>…]); every row is recorded as it is and each one that does not add up, or differs from the hub, is flagged with the difference',
    )
    .argument('<file>', 'the CSV file')
    .option('--source <name>', 'who published it', 'national-portal')
    .action(async (file: string, options: { source: string }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      if (!/^[a-z][a-z0-9-]{0,39}$/.test(options.source)) {
        throw new ServiceIndexInputError(
          '--source',
          'lowercase letters, digits and dashes, starting with a letter',
        );
      }
      const rows = parseReport(file, fs.readFileSync(file), options.source);
      const { outcome, findings } = await withSession(global, projections, async ({ runner, db, store }) => {
        const outcome = await importReport(validated(store), rows, { actor: CLI_ACTOR, now: new Date() });
        const queries = await caughtUp(runner, db);
        const findings = rows.flatMap((r) =>
          queries
            .reconciliation(r.period, { kind: 'agency', organCode: r.agency })
            .findings.filter((f) => f.source === r.source && f.agency === r.agency),
        );
        return { outcome, findings };
      });
      console.log(`${rows.length} row(s): ${outcome.appended} imported, ${outcome.unchanged} unchanged`);
      for (const f of findings) console.log(findingLine(f));
      console.log(
        findings.length === 0 ? 'every row adds up and agrees with the hub' : `${findings.length} finding(s)`,
      );
    });
}
