import type { Command } from 'commander';
import { type GlobalOptions, withSession } from '../../cli/kit/context.js';
import { table } from '../../cli/kit/format.js';
import { systemClock } from '../../kernel/clock.js';
import { localDateOf } from '../../kernel/local-date.js';
import type { ProjectionDefinition } from '../../kernel/projection.js';
import { readHubDirectory } from './directory.js';
import { exchangeStream } from './events.js';
import { getExchangeDocument, overdueRecipients, recipientsOf } from './queries.js';
import { registryOver } from './registry.js';
import { routeTo } from './routing.js';

/** `hub exchange …`: the hub directory, routes, documents, trails and overdue recipients. */
export function registerExchangeCommands(
  program: Command,
  projections: readonly ProjectionDefinition[],
): void {
  const group = program
    .command('exchange')
    .description('the document exchange between hubs: directory, routes, trails');

  group
    .command('hubs')
    .description('check a hub directory file and list its hubs')
    .requiredOption('--file <path>', 'hub directory (schemas/exchange-hubs.schema.json)')
    .option('--json', 'print JSON')
    .action((options: { file: string; json?: boolean }) => {
      const directory = readHubDirectory(options.file);
      if (options.json) {
        console.log(JSON.stringify(directory.hubs, null, 2));
        return;
      }
      const rows = directory.hubs.map((h) => [
        h.hubId,
        h.root ? 'root' : '',
        h.url,
        h.organs.join(','),
        h.name,
      ]);
      console.log(table(['HUB', 'ROOT', 'URL', 'ORGANS', 'NAME'], rows));
    });

  group
    .command('route')
    .description('the hubs a document to an organ passes, from a hub, with the levels in force on a day')
    .argument('<organ>', 'organ code addressed')
    .requiredOption('--file <path>', 'hub directory')
    .requiredOption('--from <hub>', 'the hub the document starts at')
    .option('--on <date>', 'the document date (YYYY-MM-DD; default today in Vietnam)')
    .action(async (organ: string, options: { file: string; from: string; on?: string }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      const directory = readHubDirectory(options.file);
      const onDate = options.on ?? localDateOf(systemClock());
      const lines = await withSession(global, projections, async ({ runner, db }) => {
        await runner.catchUp('agencies');
        const registry = registryOver(db);
        const out: string[] = [];
        let at = options.from;
        for (let i = 0; i < 16; i++) {
          const decision = routeTo(directory, registry, { selfHubId: at, organCode: organ, onDate });
          for (const hop of i === 0 ? decision.successorHops : []) {
            out.push(`  ${hop.from} → ${hop.to} (successor since ${hop.on})`);
          }
          if (decision.action === 'deliver') {
            out.push(`${at}: deliver to ${decision.organCode}`);
            return out;
          }
          out.push(`${at}: forward to ${decision.hubId}`);
          at = decision.hubId;
        }
        out.push('no delivery within 16 hubs');
        return out;
      });
      console.log(lines.join('\n'));
    });

  group
    .command('show')
    .description("a document as this hub knows it: header, recipients and statuses, and its trail's events")
    .argument('<documentId>', 'edXML DocumentId')
    .option('--json', 'print JSON')
    .action(async (documentId: string, options: { json?: boolean }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      const found = await withSession(global, projections, async ({ runner, db, store }) => {
        await runner.catchUp('exchange');
        const document = getExchangeDocument(db, documentId);
        if (!document) return undefined;
        const trail = await store.readStream(exchangeStream(documentId));
        return {
          document,
          recipients: recipientsOf(db, documentId),
          trail: trail.map((e) => ({ at: e.recordedAt, type: e.type, data: e.data })),
        };
      });
      if (!found) {
        console.error(`lienthong: document ${documentId} is not known to this hub`);
        process.exitCode = 1;
        return;
      }
      if (options.json) {
        console.log(JSON.stringify(found, null, 2));
        return;
      }
      const d = found.document;
      console.log(
        `${d.documentId}  ${d.codeNumber ?? ''}/${d.codeNotation ?? ''}  from ${d.fromOrgan}  dated ${d.documentDate}`,
      );
      console.log(
        table(
          ['RECIPIENT', 'VIA HUB', 'STATUS', 'AT', 'DUE'],
          found.recipients.map((r) => [
            r.organCode,
            r.hubId,
            r.lastStatus ?? '-',
            r.lastStatusAt ?? '',
            r.dueDate ?? '',
          ]),
        ),
      );
      for (const e of found.trail) console.log(`${e.at}  ${e.type}`);
    });

  group
    .command('overdue')
    .description('recipients not acknowledged within a day, or not done by the due date')
    .option('--organ <code>', 'only documents this organ sent or received')
    .option('--json', 'print JSON')
    .action(async (options: { organ?: string; json?: boolean }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      const rows = await withSession(global, projections, async ({ runner, db }) => {
        await runner.catchUp('exchange');
        return overdueRecipients(db, systemClock(), options.organ ? { organCode: options.organ } : {});
      });
      if (options.json) {
        console.log(JSON.stringify(rows, null, 2));
        return;
      }
      console.log(
        table(
          ['DOCUMENT', 'RECIPIENT', 'REASON', 'STATUS', 'DUE'],
          rows.map((r) => [r.documentId, r.organCode, r.reason, r.lastStatus ?? '-', r.dueDate ?? '']),
        ),
      );
    });
}
