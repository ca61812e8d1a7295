import { createHash, X509Certificate } from 'node:crypto';
import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import stringify from 'safe-stable-stringify';
import { type CommandMeta, decideAll } from '../../hub/kernel/decider/index.js';
import type { EventData } from '../../hub/kernel/event-store.js';
import { deterministicId } from '../../hub/kernel/ids.js';
import { buildMetadata } from '../../hub/kernel/metadata.js';
import {
  type AgencyCommand,
  type AgencyDescriptor,
  agencyDecider,
  agencyStream,
  readAgencyFile,
  resolveAgencyEntry,
} from '../../hub/modules/agencies/index.js';
import { builtDataset, type DemoDataset, type SeedStream } from './dataset.js';

export const DEMO_AGENCIES_FILE = fileURLToPath(new URL('../agencies.yaml', import.meta.url));
/** Namespace of demo agency and contract event ids: UUIDv5('https://lienthong.gov.vn/seed/registry', URL). */
export const REGISTRY_SEED_NAMESPACE = 'c83ea82c-2df6-58f7-81d3-96599d01b8ac';
const BUILDER_VERSION = 1;

/** Deterministic id and metadata for a demo event: same content, same id. */
export function seedMeta(stream: string, type: string, content: unknown, occurredAt: string): CommandMeta {
  const digest = createHash('sha256')
    .update(stringify(content) ?? '')
    .digest('hex');
  return {
    now: occurredAt,
    eventId: deterministicId(REGISTRY_SEED_NAMESPACE, stream, type, digest),
    metadata: buildMetadata({
      occurredAt,
      actor: { kind: 'system', id: 'demo-seed' },
      correlationId: deterministicId(REGISTRY_SEED_NAMESPACE, stream, 'seed'),
    }),
  };
}

const startOfDay = (date: string) => `${date}T00:00:00+07:00`;

export interface AgenciesDatasetOptions {
  dataDir: string;
  file?: string;
  /** The demo certificate authority's directory (LIENTHONG_EXCHANGE_CA_DIR); default `<dataDir>/demo-ca`. */
  exchangeCaDir?: string;
}

/**
 * The demo agencies (demo/agencies.yaml). Their key pairs and X.509 credentials are generated into
 * `<dataDir>/demo-keys/` on first build (the certificates issued by the demo certificate authority);
 * only public keys and certificates reach the event log.
 */
export function agenciesDataset(options: AgenciesDatasetOptions): DemoDataset {
  const file = options.file ?? DEMO_AGENCIES_FILE;
  return builtDataset('agencies', BUILDER_VERSION, () => buildStreams(file, options));
}

async function buildStreams(file: string, options: AgenciesDatasetOptions): Promise<SeedStream[]> {
  const entries = readAgencyFile(file, await fs.readFile(file, 'utf8'));
  const streams: SeedStream[] = [];
  for (const entry of entries) {
    const { agency, retirement } = await resolveAgencyEntry(entry, options.dataDir, options);
    const stream = agencyStream(agency.organCode);
    const commands: AgencyCommand[] = registration(stream, agency);
    if (retirement) {
      const meta = seedMeta(stream, 'AgencyRetired', retirement, startOfDay(retirement.validUntil));
      commands.push({ type: 'RetireAgency', data: retirement, meta });
    }
    const events: EventData[] = decideAll(agencyDecider, commands);
    streams.push({ stream, events });
  }
  return streams;
}

/**
 * The registration as of `validFrom`; certificates come with an update at the certificate's
 * issue, as they would for an agency registered before the exchange (and so a data directory seeded
 * before certificates existed only gains the update).
 */
function registration(stream: string, agency: AgencyDescriptor): AgencyCommand[] {
  const { certificates, ...registered } = agency;
  const commands: AgencyCommand[] = [
    {
      type: 'RegisterAgency',
      data: registered,
      meta: seedMeta(stream, 'AgencyRegistered', registered, startOfDay(agency.validFrom)),
    },
  ];
  const issued = certificates
    ?.map((pem) => new Date(new X509Certificate(pem).validFrom).toISOString())
    .sort()
    .at(-1);
  if (issued) {
    commands.push({
      type: 'UpdateAgency',
      data: agency,
      meta: seedMeta(stream, 'AgencyUpdated', agency, issued),
    });
  }
  return commands;
}
