/**
 * Signed documents from central to communes through the hubs of the levels, and statuses back.
 * Usage: npm run bench:exchange [-- --documents 3000 --concurrency 64 --wards 4]
 *
 * Three hub processes on loopback, as `npm start` runs them, each with its own embedded store: the
 * central hub (a ministry), a province's (its People's Committee) and a commune-level hub serving
 * `--wards` wards. One demo certificate authority issues every organ's certificate; the agency
 * registry of each hub holds them. This process is the organs' document systems: it sends documents
 * from the ministry through the central hub's GraphQL API (the hub builds the edXML envelope and
 * signs it with XML-DSig), reads each ward's inbox as a clerk's system would and answers every
 * document with status 01 (arrived), signed by the ward. A document is done when its status is back
 * in the ministry's inbox at central: it crossed four hubs' checks (limits, schema, signature and
 * certificate, replay), was recorded on every hub, forwarded twice each way.
 *
 * Prints documents/s end to end (sent → status back at central), p50/p95 delivery latency (sent →
 * in the ward's inbox) and round trip, each hub process's CPU per document, and ends with one JSON
 * line.
 */
import fs from 'node:fs';
import { Command } from 'commander';
import { type HubNetwork, startHubNetwork, type TestOrgan } from '../hub/testing/exchange-hubs.js';

const opts = new Command('bench-exchange')
  .description('signed edXML documents from central to communes through the hubs, statuses back')
  .option('--documents <n>', 'documents to send', '3000')
  .option('--concurrency <n>', 'documents in flight', '64')
  .option('--wards <n>', 'wards (recipients) served by the commune-level hub', '4')
  .option('--cpu-prof <dir>', "write each hub process's CPU profile (.cpuprofile) into this directory")
  .parse()
  .opts<{ documents: string; concurrency: string; wards: string; cpuProf?: string }>();

const total = Number(opts.documents);
const concurrency = Number(opts.concurrency);
const wardCount = Number(opts.wards);

const MINISTRY = '000.00.00.G09';
const PROVINCE = '000.00.00.H26';
const wards = Array.from({ length: wardCount }, (_, i) => `000.${String(i + 10).padStart(2, '0')}.01.H26`);
const organs: TestOrgan[] = [
  { organCode: MINISTRY, name: 'Bộ Tư pháp', level: 'central', validFrom: '2008-01-01', hub: 'hub.central' },
  {
    organCode: PROVINCE,
    name: 'UBND thành phố Hà Nội',
    level: 'province',
    validFrom: '2008-01-01',
    hub: 'hub.h26',
  },
  ...wards.map((organCode, i) => ({
    organCode,
    name: `UBND phường ${i + 1}`,
    level: 'commune' as const,
    parent: PROVINCE,
    validFrom: '2025-07-01',
    hub: 'hub.ward',
  })),
];

const SEND = `mutation ($input: SendDocumentInput!) { sendDocument(input: $input) { documentId } }`;
const STATUS = `mutation ($input: DocumentStatusInput!) { reportDocumentStatus(input: $input) { duplicate } }`;
const INBOX = `query ($after: Float, $kind: ExchangeMessageKind) {
  exchangeInbox(after: $after, first: 500, kind: $kind) { items { documentId position } next }
}`;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0
    ? 0
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

async function gql<T>(
  net: HubNetwork,
  hubId: string,
  organ: string,
  query: string,
  variables: Record<string, unknown>,
) {
  const result = await net.graphql<T>(hubId, organ, query, variables);
  if (result.errors) throw new Error(`${hubId} ${organ}: ${JSON.stringify(result.errors)}`);
  return result.data!;
}

/** CPU time (user + system, ms) of each hub process so far, from /proc (Linux). */
function hubCpuMs(net: HubNetwork): Map<string, number> {
  const ticks = 100; // USER_HZ
  const out = new Map<string, number>();
  for (const [hubId, hub] of net.hubs) {
    try {
      const fields = fs.readFileSync(`/proc/${hub.child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      out.set(hubId, ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks);
    } catch {
      out.set(hubId, Number.NaN);
    }
  }
  return out;
}

async function main(): Promise<void> {
  process.stderr.write(`starting 3 hubs (central, province, ${wardCount} wards)…\n`);
  const net = await startHubNetwork(
    organs,
    [
      { hubId: 'hub.central', root: true, organs: [MINISTRY] },
      { hubId: 'hub.h26', organs: [PROVINCE] },
      { hubId: 'hub.ward', organs: wards },
    ],
    opts.cpuProf ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProf}`] } : {},
  );
  try {
    const sentAt = new Map<string, number>();
    const deliveredAt = new Map<string, number>();
    const backAt = new Map<string, number>();
    let stopped = false;

    type Item = { documentId: string; position: number };
    /** An organ's document system reading its inbox from where it left off, until the run stops. */
    const follow = async (
      hubId: string,
      organ: string,
      kind: string,
      take: (items: Item[], at: number) => Promise<void>,
    ) => {
      let after = 0;
      while (!stopped) {
        const page = await gql<{ exchangeInbox: { items: Item[] } }>(net, hubId, organ, INBOX, {
          after,
          kind,
        });
        const items = page.exchangeInbox.items;
        if (items.length === 0) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          continue;
        }
        after = items.at(-1)!.position;
        await take(items, performance.now());
      }
    };
    const firstSeen = (seen: Map<string, number>, items: Item[], at: number) => {
      for (const item of items) if (!seen.has(item.documentId)) seen.set(item.documentId, at);
    };
    // each ward's document system answers 01 for every new document; the ministry's sees them back
    const wardLoops = wards.map((ward) =>
      follow('hub.ward', ward, 'DOCUMENT', async (items, at) => {
        firstSeen(deliveredAt, items, at);
        for (let i = 0; i < items.length; i += 16) {
          await Promise.all(
            items.slice(i, i + 16).map((item) =>
              gql(net, 'hub.ward', ward, STATUS, {
                input: { documentId: item.documentId, statusCode: '01' },
              }),
            ),
          );
        }
      }),
    );
    const statusLoop = follow('hub.central', MINISTRY, 'STATUS', async (items, at) =>
      firstSeen(backAt, items, at),
    );

    const cpuAtStart = hubCpuMs(net);
    const started = performance.now();
    let next = 0;
    let lastReport = started;
    const sender = async () => {
      while (next < total) {
        const i = next++;
        const t = performance.now();
        const data = await gql<{ sendDocument: { documentId: string } }>(net, 'hub.central', MINISTRY, SEND, {
          input: {
            to: [wards[i % wards.length]],
            codeNumber: String(i + 1),
            codeNotation: 'BTP-VP',
            place: 'Hà Nội',
            documentType: 'Công văn',
            subject: `Về việc hướng dẫn triển khai thủ tục hành chính số ${i + 1}`,
            content: 'Nội dung công văn. '.repeat(40),
            signerPosition: 'Chánh Văn phòng',
            signerFullName: 'Nguyễn Văn A',
          },
        });
        sentAt.set(data.sendDocument.documentId, t);
        // keep at most `concurrency` documents between sending and their status coming back
        while (sentAt.size - backAt.size >= concurrency)
          await new Promise((resolve) => setTimeout(resolve, 5));
        if (performance.now() - lastReport > 2000) {
          lastReport = performance.now();
          process.stderr.write(
            `  sent ${sentAt.size}/${total}, delivered ${deliveredAt.size}, statuses back ${backAt.size}\n`,
          );
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, 16) }, sender));
    while (backAt.size < total) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (performance.now() - started > 30 * 60_000)
        throw new Error('statuses did not all come back within 30 minutes');
    }
    const elapsed = (performance.now() - started) / 1000;
    stopped = true;
    await Promise.all([...wardLoops, statusLoop]);

    const cpuAtEnd = hubCpuMs(net);
    const cpuPerDocument = Object.fromEntries(
      [...cpuAtEnd].map(([hubId, ms]) => [hubId, round((ms - (cpuAtStart.get(hubId) ?? 0)) / total, 2)]),
    );
    const delivery = [...sentAt].map(([id, t]) => deliveredAt.get(id)! - t);
    const roundTrip = [...sentAt].map(([id, t]) => backAt.get(id)! - t);
    const result = {
      documents: total,
      concurrency,
      hubs: 3,
      seconds: round(elapsed, 2),
      documents_per_s: round(total / elapsed),
      delivery_p50_ms: round(percentile(delivery, 50)),
      delivery_p95_ms: round(percentile(delivery, 95)),
      round_trip_p50_ms: round(percentile(roundTrip, 50)),
      round_trip_p95_ms: round(percentile(roundTrip, 95)),
      hub_cpu_ms_per_document: cpuPerDocument,
      load_average: (await import('node:os')).loadavg()[0]!.toFixed(2),
    };
    console.log(
      `${total} documents central → ward and status 01 back in ${result.seconds} s: ${result.documents_per_s} documents/s; ` +
        `delivery p50 ${result.delivery_p50_ms} ms, p95 ${result.delivery_p95_ms} ms; round trip p95 ${result.round_trip_p95_ms} ms`,
    );
    console.log(JSON.stringify(result));
  } finally {
    await net.stop({ graceful: opts.cpuProf !== undefined });
  }
}

await main();
