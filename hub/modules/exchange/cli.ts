import fs from 'node:fs';
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
import { remoteGraphql, remoteHub } from './remote.js';
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

  // ── As an organ's official, against a running hub's API ──────────────────────────────────────
  const remote = (command: Command) =>
    command
      .option('--hub <url>', 'the hub serving the organ (default LIENTHONG_HUB_URL)')
      .option(
        '--token-file <path>',
        "a file holding the organ's bearer token (default LIENTHONG_TOKEN_FILE)",
      );

  remote(
    group
      .command('send')
      .description('hand a signed edXML envelope (document or status) to the hub, as the organ it is from')
      .requiredOption('--file <path>', 'the envelope (XML signed with XML-DSig by the organ)'),
  ).action(async (options: { file: string; hub?: string; tokenFile?: string }) => {
    const hub = remoteHub(options, process.env);
    const xml = fs.readFileSync(options.file, 'utf8');
    const data = await remoteGraphql<{
      submitEnvelope: {
        documentId: string;
        duplicate: boolean;
        routes: { organCode: string; action: string; hubId: string }[];
      };
    }>(
      hub,
      'mutation ($xml: String!) { submitEnvelope(xml: $xml) { documentId duplicate routes { organCode action hubId } } }',
      { xml },
    );
    const r = data.submitEnvelope;
    console.log(`${r.documentId}: ${r.duplicate ? 'already taken (nothing recorded again)' : 'taken'}`);
    for (const route of r.routes)
      console.log(
        `  ${route.organCode}: ${route.action.toLowerCase()} ${route.action === 'FORWARD' ? `to ${route.hubId}` : ''}`,
      );
  });

  remote(
    group
      .command('inbox')
      .description('what reached the organ (documents, statuses), oldest first after a position')
      .option('--after <position>', 'only after this position (the last one read)', '0')
      .option('--kind <kind>', 'document or status')
      .option('--json', 'print JSON'),
  ).action(
    async (options: { after: string; kind?: string; json?: boolean; hub?: string; tokenFile?: string }) => {
      const hub = remoteHub(options, process.env);
      const data = await remoteGraphql<{
        exchangeInbox: { items: Record<string, string | number | null>[]; next: number | null };
      }>(
        hub,
        `query ($after: Float, $kind: ExchangeMessageKind) { exchangeInbox(after: $after, first: 500, kind: $kind) {
        items { position documentId kind fromOrgan businessType statusCode statusAt acceptedAt envelopeUrl } next } }`,
        { after: Number(options.after), kind: options.kind?.toUpperCase() },
      );
      if (options.json) {
        console.log(JSON.stringify(data.exchangeInbox, null, 2));
        return;
      }
      const rows = data.exchangeInbox.items.map((i) => [
        String(i.position),
        String(i.kind).toLowerCase(),
        String(i.documentId),
        String(i.fromOrgan),
        String(i.statusCode ?? i.businessType ?? ''),
        String(i.acceptedAt),
      ]);
      console.log(table(['POSITION', 'KIND', 'DOCUMENT', 'FROM', 'STATUS/TYPE', 'AT'], rows));
    },
  );

  remote(
    group
      .command('outbox')
      .description("documents the organ sent, newest first, with each recipient's latest status")
      .option('--json', 'print JSON'),
  ).action(async (options: { json?: boolean; hub?: string; tokenFile?: string }) => {
    const hub = remoteHub(options, process.env);
    const data = await remoteGraphql<{
      exchangeOutbox: {
        documentId: string;
        subject: string | null;
        documentDate: string;
        recipients: { organCode: string; lastStatus: string | null; rejected: boolean }[];
      }[];
    }>(
      hub,
      '{ exchangeOutbox(first: 100) { documentId subject documentDate recipients { organCode lastStatus rejected } } }',
    );
    if (options.json) {
      console.log(JSON.stringify(data.exchangeOutbox, null, 2));
      return;
    }
    const rows = data.exchangeOutbox.flatMap((d) =>
      d.recipients.map((r) => [
        d.documentId,
        d.documentDate,
        r.organCode,
        r.rejected ? '02 (rejected)' : (r.lastStatus ?? '-'),
      ]),
    );
    console.log(table(['DOCUMENT', 'DATE', 'RECIPIENT', 'STATUS'], rows));
  });

  remote(
    group
      .command('trail')
      .description("a document's trail across the hubs it passed: every event, hub by hub")
      .argument('<documentId>', 'edXML DocumentId')
      .option('--json', 'print JSON'),
  ).action(async (documentId: string, options: { json?: boolean; hub?: string; tokenFile?: string }) => {
    const hub = remoteHub(options, process.env);
    const data = await remoteGraphql<{
      exchangeDocument: {
        trail: { hubId: string; type: string; recordedAt: string; data: Record<string, unknown> }[];
      } | null;
    }>(
      hub,
      'query ($id: String!) { exchangeDocument(documentId: $id) { trail(acrossHubs: true) { hubId type recordedAt data } } }',
      { id: documentId },
    );
    if (!data.exchangeDocument) {
      console.error(`lienthong: document ${documentId} is not known to that hub`);
      process.exitCode = 1;
      return;
    }
    if (options.json) {
      console.log(JSON.stringify(data.exchangeDocument.trail, null, 2));
      return;
    }
    for (const e of data.exchangeDocument.trail) {
      const d = e.data;
      const detail =
        e.type === 'ExchangeMessageForwarded' || e.type === 'ExchangeDeliveryFailed'
          ? `→ ${String(d.hubId)}`
          : e.type === 'ExchangeMessageDelivered'
            ? `→ ${String(d.organCode)}`
            : e.type === 'ExchangeMessageAccepted'
              ? `${String(d.kind)} from ${String(d.fromOrgan)}`
              : e.type === 'ExchangeMessageRefused'
                ? String(d.code)
                : '';
      console.log(`${e.recordedAt}  ${e.hubId.padEnd(16)} ${e.type.padEnd(26)} ${detail}`);
    }
  });
}
