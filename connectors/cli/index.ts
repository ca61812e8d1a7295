/**
 * npm run connector -- <command> [options]: onboard, check and run connectors.
 * Every command has --help.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Logger } from 'pino';
import { exitQuietlyWhenStdoutCloses } from '../../hub/cli/kit/pipe.js';
import { loadConfig } from '../../hub/kernel/config.js';
import { HubError } from '../../hub/kernel/errors/index.js';
import { loadDatasets } from '../../hub/modules/records/index.js';
import { openHub } from '../kit/hub.js';
import { CONNECTORS_DIR, loadConnector, resolveConfig } from '../kit/manifest.js';
import { describeStream, streamName } from '../kit/stream-source.js';
import { openConnector } from '../runtime.js';
import { registerDocumentFolderCommand } from './document-folder.js';
import { discoverCommand, fixturesCommand, initCommand } from './init.js';
import { registerInspectCommands } from './inspect.js';
import { cliLogger, type LogMode } from './log.js';
import { printCatalog, printCheck, printStatus, printSync } from './print.js';
import { syncProgressBar } from './progress.js';

const program = new Command('connector')
  .description(
    "Connectors: ministry databases into the Lienthong hub; agencies' document systems and the hub's exchange",
  )
  .option('--verbose', 'log from info up, as lines for people on stderr (default: errors only)')
  .option('--log-json', 'log JSON lines to stderr for a log collector (no progress bar)')
  .addOption(
    new Option('--connectors-dir <dir>', 'folder holding the connector folders')
      .env('LIENTHONG_CONNECTORS_DIR')
      .default(CONNECTORS_DIR),
  );
const connectorsDir = (): string => program.opts<{ connectorsDir: string }>().connectorsDir;
const logMode = (): LogMode => {
  const o = program.opts<{ verbose?: boolean; logJson?: boolean }>();
  return o.logJson ? 'json' : o.verbose ? 'verbose' : 'human';
};
/** Where human log lines go: stderr, above the progress bar while one is drawn. */
let writeLine = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
let logger: Logger = cliLogger('human', (line) => writeLine(line));
program.hook('preAction', () => {
  logger = cliLogger(logMode(), (line) => writeLine(line));
});

const hubOptions = (c: Command) =>
  c
    .addOption(
      new Option(
        '--data-dir <dir>',
        'hub data directory (keys.db, secrets.json, connector state; events.db unless LIENTHONG_STORE=kurrentdb)',
      )
        .env('LIENTHONG_DATA_DIR')
        .default('data'),
    )
    .option('--config <file>', 'configuration file (JSON), merged over the manifest defaults')
    .option('--set <key=value...>', 'configuration overrides, e.g. --set url=postgres://user@host/db');

type HubOpts = { dataDir: string; config?: string; set?: string[] };

/** Parses a CLI value that must be a whole number ≥ 0; the error names the option. */
const nonNegativeInteger = (option: string) => (value: string) => {
  if (!/^[0-9]+$/.test(value))
    throw new InvalidArgumentError(`${option} must be a whole number ≥ 0 (got "${value}")`);
  return value;
};

async function withConnector<T>(
  name: string,
  opts: HubOpts,
  work: (c: ReturnType<typeof openConnector>) => Promise<T>,
) {
  // A connector that does not load fails before the hub's files are created.
  resolveConfig(loadConnector(name, loadDatasets(), connectorsDir()), { file: opts.config, set: opts.set });
  // The store, secrets and profile the hub itself would use, with --data-dir for LIENTHONG_DATA_DIR.
  const config = loadConfig({ ...process.env, LIENTHONG_DATA_DIR: opts.dataDir });
  const hub = await openHub({ config, logger });
  try {
    return await work(
      openConnector({ name, hub, logger, configFile: opts.config, set: opts.set, root: connectorsDir() }),
    );
  } finally {
    await hub.close();
  }
}

program
  .command('init <name>')
  .description(
    'scaffold connectors/<name>/ from a source table: a manifest with the key, cursor and soft-delete column discover proposes, a mapping, fixtures with the table columns, a test',
  )
  .requiredOption('--table <table>', 'source table')
  .option('--dataset <name>', 'hub dataset the connector feeds', 'population')
  .option('--primary-key <column>', 'instead of the proposed primary key')
  .option('--cursor <column>', 'instead of the proposed cursor')
  .option('--config <file>', 'source configuration file (JSON)')
  .option('--set <key=value...>', 'source configuration, at least url=…')
  .action(async (name: string, opts: Parameters<typeof initCommand>[1]) => {
    for (const line of await initCommand(name, { ...opts, root: connectorsDir() })) console.log(line);
  });

program
  .command('fixtures <name>')
  .description(
    "rewrite fixtures/source.sql: the source table's columns, synthetic rows for the current mapping",
  )
  .option('--config <file>', 'configuration file (JSON), merged over the manifest defaults')
  .option('--set <key=value...>', 'configuration overrides')
  .action(async (name: string, opts: { config?: string; set?: string[] }) => {
    console.log(await fixturesCommand(name, { ...opts, root: connectorsDir() }));
  });

program
  .command('validate <name>')
  .description('validate the manifest, mappings and configuration; errors name the field path')
  .option('--config <file>', 'configuration file to validate as well')
  .option('--set <key=value...>', 'configuration overrides')
  .action((name: string, opts: { config?: string; set?: string[] }) => {
    const loaded = loadConnector(name, loadDatasets(), connectorsDir());
    resolveConfig(loaded, { file: opts.config, set: opts.set });
    const s = loaded.manifest.streams.map(describeStream).join(', ');
    console.log(
      `${name} ${loaded.manifest.version}: manifest, ${loaded.mappings.length} mapping(s) and configuration are valid; streams: ${s}`,
    );
  });

hubOptions(
  program
    .command('check <name>')
    .description('connect to the source and verify SELECT grants on every table'),
)
  .option('--timeout <ms>', 'deadline for connecting and each check', '5000')
  .action(async (name: string, opts: HubOpts & { timeout: string }) => {
    const result = await withConnector(name, opts, (c) => c.check(Number(opts.timeout)));
    printCheck(result);
    if (!result.ok) process.exitCode = 2;
  });

program
  .command('discover [name]')
  .description(
    "list tables, columns, primary-key and cursor candidates: a connector's source, or without a name the source of --set url=…",
  )
  .option('--config <file>', 'configuration file (JSON), merged over the manifest defaults')
  .option('--set <key=value...>', 'configuration overrides, e.g. --set url=postgres://user@host/db')
  .option('--data-dir <dir>', 'accepted for symmetry with the other commands; discover writes nothing')
  .option('--json', 'print the catalog as JSON')
  .action(async (name: string | undefined, opts: { config?: string; set?: string[]; json?: boolean }) => {
    const catalog = await discoverCommand(name, { ...opts, root: connectorsDir() });
    if (opts.json) console.log(JSON.stringify(catalog, null, 2));
    else printCatalog(catalog);
  });

hubOptions(program.command('sync <name>').description('read the source and append record events to the hub'))
  .option('--dry-run', 'show mapped records and the state it would save; write nothing')
  .option('--limit <n>', 'read at most n rows per table')
  .option(
    '--full-refresh',
    'read every row of the streams from the start; the records of rows no longer at the source are deleted, then incremental streams go on from the last row read',
  )
  .option('--stream <name...>', 'with --full-refresh: only these streams (default: all)')
  .option('--reveal', 'dry run: show personal fields in clear (default: masked)')
  .option('--quiet', 'no progress bar; a dry run shows only the rejected rows')
  .addOption(
    new Option(
      '--retries <n>',
      'after a transient source failure (connection lost, timeout, unreachable), start a new run from the last checkpoint, up to n times',
    )
      .default('3')
      .argParser(nonNegativeInteger('--retries')),
  )
  .addOption(
    new Option('--retry-delay <ms>', 'wait before the first retry; doubles each time')
      .default('1000')
      .argParser(nonNegativeInteger('--retry-delay')),
  )
  .action(
    async (
      name: string,
      opts: HubOpts & {
        dryRun?: boolean;
        limit?: string;
        reveal?: boolean;
        quiet?: boolean;
        retries: string;
        retryDelay: string;
        fullRefresh?: boolean;
        stream?: string[];
      },
    ) => {
      if (opts.stream && !opts.fullRefresh)
        throw new InvalidArgumentError('--stream chooses the streams of --full-refresh: add --full-refresh');
      const bar = opts.quiet || opts.dryRun || logMode() === 'json' ? undefined : syncProgressBar();
      if (bar) writeLine = bar.log;
      try {
        const result = await withConnector(name, opts, (c) =>
          c.sync({
            dryRun: opts.dryRun,
            limit: opts.limit ? Number(opts.limit) : undefined,
            fullRefresh: opts.fullRefresh
              ? (opts.stream ?? c.loaded.manifest.streams.map(streamName))
              : undefined,
            onProgress: bar?.update,
            retries: Number(opts.retries),
            retryDelayMs: Number(opts.retryDelay),
            onRetry: ({ attempt, of, delayMs, error }) => {
              bar?.stop();
              writeLine(
                `run failed (${error.code}, transient): ${error.message}; retry ${attempt} of ${of} in ${delayMs / 1000} s, from the last checkpoint`,
              );
            },
          }),
        );
        bar?.stop();
        printSync(result, { reveal: opts.reveal ?? false, datasets: loadDatasets(), quiet: opts.quiet });
        if (result.stoppedBy) throw result.stoppedBy;
      } finally {
        bar?.stop();
      }
    },
  );

hubOptions(program.command('status <name>').description('last run, checkpoints, running or not')).action(
  async (name: string, opts: HubOpts) => printStatus(await withConnector(name, opts, (c) => c.status())),
);

hubOptions(
  program.command('reset <name>').description('forget the checkpoints (refused while a sync runs)'),
).action(async (name: string, opts: HubOpts) => {
  const previous = await withConnector(name, opts, (c) => c.reset());
  console.log(
    `${name}: ${previous.length} checkpoint(s) forgotten; the next sync reads every table from the start`,
  );
});

registerInspectCommands(program, hubOptions, withConnector);
registerDocumentFolderCommand(program, () => logger);

exitQuietlyWhenStdoutCloses();
try {
  await program.parseAsync();
} catch (e) {
  if (e instanceof HubError) {
    const failure = (e as HubError & { failure?: string }).failure;
    console.error(`error ${e.code}${failure ? ` (${failure})` : ''}: ${e.message}`);
    const issues = (e as HubError & { issues?: { path: string; message: string }[] }).issues;
    for (const i of issues ?? []) console.error(`  ${i.path || '/'}  ${i.message}`);
  } else console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
}
