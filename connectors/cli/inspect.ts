/**
 * `conflicts`, `resolve`, `deadletters` and `records`: what a sync left for a person to look at.
 */
import fs from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { OpenedConnector } from '../runtime.js';
import {
  conflictLines,
  deadLetterCsv,
  deadLetterLines,
  hubArgs,
  recordLines,
  rowLabel,
} from './print-inspect.js';

type HubOpts = { dataDir: string; config?: string; set?: string[] };
type WithConnector = <T>(name: string, opts: HubOpts, work: (c: OpenedConnector) => Promise<T>) => Promise<T>;

const positive = (option: string) => (value: string) => {
  if (!/^[1-9][0-9]*$/.test(value))
    throw new InvalidArgumentError(`${option} must be a whole number ≥ 1 (got "${value}")`);
  return Number(value);
};

export function registerInspectCommands(
  program: Command,
  hubOptions: (c: Command) => Command,
  withConnector: WithConnector,
): void {
  hubOptions(
    program
      .command('conflicts <name>')
      .description('identity conflicts: rows of two people under one key, held until resolved'),
  )
    .option('--all', 'resolved conflicts too')
    .option('--json', 'print them as JSON')
    .action(async (name: string, opts: HubOpts & { all?: boolean; json?: boolean }) => {
      const all = await withConnector(name, opts, (c) => c.conflicts());
      const shown = opts.all ? all : all.filter((c) => !c.resolution);
      if (opts.json) return console.log(JSON.stringify(shown, null, 2));
      const open = all.filter((c) => !c.resolution).length;
      console.log(`${name}: ${open} open identity conflict(s), ${all.length - open} resolved`);
      for (const c of shown) for (const line of conflictLines(name, c, hubArgs(opts))) console.log(line);
    });

  hubOptions(
    program
      .command('resolve <name>')
      .description('decide an identity conflict: keep one row, or release both (refused while a sync runs)'),
  )
    .requiredOption('--key <recordKey>', 'record key of the conflict (as `conflicts` shows it)')
    .option(
      '--keep <sourceKey>',
      'the row that may write the record (its key as `conflicts` shows it, or table:key)',
    )
    .option('--release', 'the rows are one person after all: let every row of the conflict write the record')
    .option('--operator <staffId>', 'staff id of the operator deciding', process.env.USER ?? 'operator')
    .option('--note <text>', 'why (no personal data)')
    .action(
      async (
        name: string,
        opts: HubOpts & { key: string; keep?: string; release?: boolean; operator: string; note?: string },
        command: Command,
      ) => {
        if (!opts.keep === !opts.release)
          command.error('error: give exactly one of --keep <sourceKey> and --release');
        const { conflict, kept } = await withConnector(name, opts, (c) =>
          c.resolve({
            recordKey: opts.key,
            keep: opts.keep,
            release: opts.release,
            operator: opts.operator,
            note: opts.note,
          }),
        );
        console.log(
          `conflict ${conflict.conflictId} on ${conflict.dataset} record ${conflict.recordKey} resolved: ` +
            `${opts.release ? 'released' : 'keep'} ${kept.map(rowLabel).join(', ')}`,
        );
        const hub = hubArgs(opts);
        console.log(
          `the held rows reach the hub when they are read again: npm run connector -- reset ${name} ${hub} && npm run connector -- sync ${name} ${hub}`,
        );
      },
    );

  hubOptions(
    program
      .command('deadletters <name>')
      .description('rejected rows, newest first: source key and failing fields, never values'),
  )
    .option('--reason <text>', 'only letters with an issue whose message contains this')
    .option(
      '--field <field>',
      'only letters with an issue at this field (dateOfBirth, permanentResidence.address)',
    )
    .option('--stream <stream>', 'only letters of this stream (its table, or its name)')
    .addOption(
      new Option('--limit <n>', 'letters per page (text: 20; csv and json: all)').argParser(
        positive('--limit'),
      ),
    )
    .addOption(new Option('--page <n>', 'page, from 1').default(1).argParser(positive('--page')))
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'csv', 'json']).default('text'),
    )
    .option('--out <file>', 'write to this file instead of the terminal')
    .action(
      async (
        name: string,
        opts: HubOpts & {
          reason?: string;
          field?: string;
          stream?: string;
          limit?: number;
          page: number;
          format: 'text' | 'csv' | 'json';
          out?: string;
        },
      ) => {
        const limit = opts.limit ?? (opts.format === 'text' ? 20 : undefined);
        const { total, letters } = await withConnector(name, opts, (c) =>
          c.deadLetters({
            reason: opts.reason,
            field: opts.field,
            stream: opts.stream,
            limit,
            page: opts.page,
          }),
        );
        const text =
          opts.format === 'json'
            ? `${JSON.stringify(letters, null, 2)}\n`
            : opts.format === 'csv'
              ? deadLetterCsv(letters)
              : deadLetterLines(letters, { total, page: opts.page, limit: limit ?? total }).join('\n') + '\n';
        if (opts.out) {
          fs.writeFileSync(opts.out, text);
          console.log(`wrote ${letters.length} of ${total} matching dead letter(s) to ${opts.out}`);
        } else process.stdout.write(text);
      },
    );

  hubOptions(
    program
      .command('records <name>')
      .description('what the hub holds for one key: current fields, version, source position, history'),
  )
    .option('--key <value>', 'primary key of a source row')
    .option('--stream <stream>', 'stream of --key (its table, or its name; default: every stream)')
    .option('--record-key <key>', 'or the record key (as `conflicts` shows it)')
    .option('--reveal', 'show sealed fields in clear (needs an operator token; recorded in the access log)')
    .option('--purpose <text>', 'with --reveal: why, recorded with the access')
    .addOption(
      new Option(
        '--token <jwt>',
        'with --reveal: bearer token of an agency registered for the operator role',
      ).env('LIENTHONG_OPERATOR_TOKEN'),
    )
    .option('--json', 'print as JSON')
    .action(
      async (
        name: string,
        opts: HubOpts & {
          key?: string;
          stream?: string;
          recordKey?: string;
          reveal?: boolean;
          purpose?: string;
          token?: string;
          json?: boolean;
        },
        command: Command,
      ) => {
        if (!opts.key === !opts.recordKey) command.error('error: give exactly one of --key and --record-key');
        if (opts.reveal && !opts.purpose) command.error('error: --reveal needs --purpose <why>');
        if (opts.reveal && !opts.token)
          command.error(
            'error: --reveal needs an operator token: --token <jwt> or LIENTHONG_OPERATOR_TOKEN, a bearer token of an agency registered for the operator role (demo: npm run token -- --agency 000.00.00.G12 --role operator --official <staff id>)',
          );
        const found = await withConnector(name, opts, async (c) => {
          const view = await c.record({ key: opts.key, stream: opts.stream, recordKey: opts.recordKey });
          if (!view || !opts.reveal) return { view, revealed: undefined };
          const operator = await c.operator(opts.token);
          return { view, revealed: await c.reveal(view, operator, opts.purpose!) };
        });
        const { view, revealed } = found;
        const asked =
          opts.key !== undefined ? `${opts.stream ?? 'source'} key ${opts.key}` : `record ${opts.recordKey}`;
        if (!view) {
          console.log(`${name}: the hub holds nothing for ${asked}`);
          process.exitCode = 3;
          return;
        }
        if (opts.json)
          return console.log(JSON.stringify({ ...view, ...(revealed ? { revealed } : {}) }, null, 2));
        for (const line of recordLines(asked, view, revealed)) console.log(line);
      },
    );
}
