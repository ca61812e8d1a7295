/**
 * `document-folder`: the folder connector between an agency's document system and its hub's
 * exchange (connectors/document-folder/).
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { Logger } from 'pino';
import { type DocumentFolderResult, runDocumentFolder } from '../document-folder/index.js';

/** Parses a number of milliseconds or items in [min, max]; the error names the option. */
const wholeNumber =
  (option: string, min: number, max = Number.MAX_SAFE_INTEGER) =>
  (value: string) => {
    if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max)
      throw new InvalidArgumentError(
        `${option} must be a whole number from ${min} to ${max} (got "${value}")`,
      );
    return Number(value);
  };

/** Longest period an option takes (timers past 2^31 ms fire at once). */
const DAY_MS = 86_400_000;

type Opts = {
  hub: string;
  tokenFile: string;
  outgoing?: string;
  incoming?: string;
  once?: boolean;
  interval: number;
  settle: number;
  pageSize: number;
  maxBackoff: number;
  timeout: number;
};

/** The counts in words: `sent 3 (1 duplicate), refused 1, received 4 (3 documents, 1 status)`. */
export function summaryLine(result: DocumentFolderResult): string {
  const c = result.counts;
  const parts = [
    `sent ${c.sent + c.duplicates}${c.duplicates ? ` (${c.duplicates} already received by the hub)` : ''}`,
    `refused ${c.refused}`,
    `received ${c.documents + c.statuses} (${c.documents} document(s), ${c.statuses} status(es))`,
  ];
  if (c.failures) parts.push(`${c.failures} pass(es) stopped by a failure, files kept for the next run`);
  if (result.waiting) parts.push('a file still being written was left for the next run');
  return `document-folder: ${parts.join(', ')}${result.after !== undefined ? `; cursor ${result.after}` : ''}`;
}

export function registerDocumentFolderCommand(program: Command, logger: () => Logger): void {
  program
    .command('document-folder')
    .description(
      "exchange edXML envelopes between an agency's document system and its hub through two folders: " +
        'envelopes written to --outgoing are sent (then moved to sent/ or refused/), what reaches the agency is written to --incoming',
    )
    .addOption(
      new Option('--hub <url>', "the hub's base URL, e.g. https://hub.example.gov.vn")
        .env('LIENTHONG_HUB_URL')
        .makeOptionMandatory(),
    )
    .addOption(
      new Option(
        '--token-file <path>',
        "file holding the agency's bearer token (read at each request, so it may be renewed; never logged)",
      )
        .env('LIENTHONG_TOKEN_FILE')
        .makeOptionMandatory(),
    )
    .option(
      '--outgoing <dir>',
      'folder the document system writes signed envelopes to (*.xml; write *.xml.part and rename, or the file is taken once unchanged for --settle)',
    )
    .option(
      '--incoming <dir>',
      'folder the envelopes that reached the agency are written to, as <position>-<kind>-<documentId>.xml; the cursor is <dir>/.cursor',
    )
    .option('--once', 'one pass of each folder, print the counts and exit (default: watch until stopped)')
    .addOption(
      new Option('--interval <ms>', 'watch mode: rescan the outgoing folder and poll the inbox this often')
        .default(5000)
        .argParser(wholeNumber('--interval', 100, DAY_MS)),
    )
    .addOption(
      new Option(
        '--settle <ms>',
        'an outgoing *.xml file is sent once unchanged (size, modification time) this long',
      )
        .default(2000)
        .argParser(wholeNumber('--settle', 0, DAY_MS)),
    )
    .addOption(
      new Option('--page-size <n>', 'inbox items asked for per request')
        .default(50)
        .argParser(wholeNumber('--page-size', 1, 500)),
    )
    .addOption(
      new Option(
        '--max-backoff <ms>',
        'after the hub failed (unreachable, 5xx, token refused), retry after 1 s, doubling up to this',
      )
        .default(300_000)
        .argParser(wholeNumber('--max-backoff', 1000, DAY_MS)),
    )
    .addOption(
      new Option('--timeout <ms>', 'deadline of each request to the hub')
        .default(60_000)
        .argParser(wholeNumber('--timeout', 100, DAY_MS)),
    )
    .action(async (opts: Opts, command: Command) => {
      if (!opts.outgoing && !opts.incoming)
        command.error('error: give --outgoing <dir>, --incoming <dir> or both');
      // watching, a signal ends the run after the file in hand; a pass of --once is simply killed
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      if (!opts.once) {
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
      }
      try {
        const result = await runDocumentFolder({
          hub: opts.hub,
          tokenFile: opts.tokenFile,
          outgoing: opts.outgoing,
          incoming: opts.incoming,
          once: opts.once,
          intervalMs: opts.interval,
          settleMs: opts.settle,
          pageSize: opts.pageSize,
          maxBackoffMs: opts.maxBackoff,
          timeoutMs: opts.timeout,
          logger: logger(),
          signal: stop.signal,
        });
        console.log(summaryLine(result));
        if (result.stoppedBy) throw result.stoppedBy;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
