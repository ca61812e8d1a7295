import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import stringify from 'safe-stable-stringify';
import { v5 as uuidv5 } from 'uuid';
import { decideAll } from '../../hub/kernel/decider.js';
import type { EventData } from '../../hub/kernel/event-store.js';
import { buildMetadata } from '../../hub/kernel/metadata.js';
import {
  type AgencyCommand,
  agencyStream,
  type CommandMeta,
  decide,
  evolve,
  initialState,
  readAgencyFile,
  resolveAgencyEntry,
} from '../../hub/modules/agencies/index.js';
import type { DemoDataset, SeedStream } from './dataset.js';

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
    eventId: uuidv5(`${stream}/${type}/${digest}`, REGISTRY_SEED_NAMESPACE),
    metadata: buildMetadata({
      occurredAt,
      actor: { kind: 'system', id: 'demo-seed' },
      correlationId: uuidv5(`${stream}/seed`, REGISTRY_SEED_NAMESPACE),
    }),
  };
}

const startOfDay = (date: string) => `${date}T00:00:00+07:00`;

/**
 * The demo agencies (demo/agencies.yaml). Their key pairs are generated into
 * `<dataDir>/demo-keys/` on first build; only public keys reach the event log.
 */
export function agenciesDataset(options: { dataDir: string; file?: string }): DemoDataset {
  const file = options.file ?? DEMO_AGENCIES_FILE;
  let built: Promise<SeedStream[]> | undefined;
  const build = () => {
    built ??= buildStreams(file, options.dataDir);
    return built;
  };
  return {
    name: 'agencies',
    async fingerprint() {
      const streams = await build();
      return createHash('sha256')
        .update(`agencies v${BUILDER_VERSION}\n${stringify(streams)}`)
        .digest('hex');
    },
    build,
  };
}

async function buildStreams(file: string, dataDir: string): Promise<SeedStream[]> {
  const entries = readAgencyFile(file, await fs.readFile(file, 'utf8'));
  const streams: SeedStream[] = [];
  for (const entry of entries) {
    const { agency, retirement } = await resolveAgencyEntry(entry, dataDir);
    const stream = agencyStream(agency.organCode);
    const commands: AgencyCommand[] = [
      {
        type: 'RegisterAgency',
        agency,
        meta: seedMeta(stream, 'AgencyRegistered', agency, startOfDay(agency.validFrom)),
      },
    ];
    if (retirement) {
      const meta = seedMeta(stream, 'AgencyRetired', retirement, startOfDay(retirement.validUntil));
      commands.push({ type: 'RetireAgency', retirement, meta });
    }
    const events: EventData[] = decideAll({ decide, evolve, initialState }, commands);
    streams.push({ stream, events });
  }
  return streams;
}
