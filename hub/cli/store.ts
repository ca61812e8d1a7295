import fs from 'node:fs';
import type { Command } from 'commander';
import { checkSqliteFile } from '../eventstore/sqlite-file.js';
import { IntegrityCheckError } from '../kernel/errors/index.js';
import { streamCatalog, summarizeStreamCatalog } from '../projections/stream-catalog.js';
import { cliConfig, embeddedStoreFile, type GlobalOptions, withSession } from './kit/context.js';
import { formatNumber, table } from './kit/format.js';

export function storeCommand(program: Command): void {
  const group = program
    .command('store')
    .description('inspect the event store the configuration names (LIENTHONG_STORE)');

  group
    .command('info')
    .description('backend, file and size (embedded store), last position, streams and events per category')
    .option('--no-refresh', 'do not bring the stream-catalog read model up to date first')
    .option('--json', 'print JSON')
    .action(async (options: { refresh: boolean; json?: boolean }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      const info = await withSession(global, [streamCatalog], async ({ files, store, db, runner }) => {
        const catalog = options.refresh ? await runner.catchUp(streamCatalog.name) : undefined;
        const storeInfo = await store.info();
        const [status] = catalog ? [catalog] : await runner.status();
        return {
          backend: storeInfo.backend,
          // KurrentDB keeps no file here: its size is the server's to report.
          file: files.events ?? null,
          bytes: files.events ? fileBytes(files.events) : null,
          lastPosition: storeInfo.lastPosition,
          catalogPosition: status!.checkpoint,
          ...summarizeStreamCatalog(db),
        };
      });
      if (options.json) {
        console.log(JSON.stringify(info, null, 2));
        return;
      }
      console.log(`backend        ${info.backend}`);
      if (info.file !== null && info.bytes !== null)
        console.log(`file           ${info.file} (${formatNumber(Math.round(info.bytes / 1024))} KiB)`);
      console.log(`last position  ${info.lastPosition}`);
      console.log(
        `streams        ${formatNumber(info.streams)} (stream-catalog at position ${info.catalogPosition})`,
      );
      if (info.categories.length > 0) {
        console.log(
          `\n${table(
            ['CATEGORY', 'STREAMS', 'EVENTS'],
            info.categories.map((c) => [c.category, c.streams, c.events]),
          )}`,
        );
      }
    });

  group
    .command('check')
    .description(
      'run SQLite integrity_check on the embedded event store file (and the read-model file if present)',
    )
    .option('--quick', 'quick_check: skips index content checks, much faster on big files')
    .action((options: { quick?: boolean }, command: Command) => {
      const config = cliConfig(command.optsWithGlobals<GlobalOptions>());
      const events = embeddedStoreFile(config, 'store check');
      const problems = checkFiles(
        [events, config.readModelsFile],
        options.quick ? 'quick_check' : 'integrity_check',
      );
      if (problems > 0) throw new IntegrityCheckError(problems);
    });
}

function checkFiles(files: readonly string[], pragma: 'integrity_check' | 'quick_check'): number {
  let problems = 0;
  for (const file of files) {
    if (!fs.existsSync(file)) continue;
    const messages = checkSqliteFile(file, pragma);
    problems += messages.length;
    console.log(messages.length === 0 ? `${file}: ok` : `${file}: ${messages.length} problem(s)`);
    for (const m of messages) console.log(`  ${m}`);
  }
  return problems;
}

function fileBytes(file: string): number {
  return ['', '-wal'].reduce(
    (sum, suffix) => sum + (fs.statSync(file + suffix, { throwIfNoEntry: false })?.size ?? 0),
    0,
  );
}
