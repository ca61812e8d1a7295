import type { Logger } from 'pino';
import { v5 as uuidv5 } from 'uuid';
import {
  EventIdConflictError,
  SeedConflictError,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from '../../hub/kernel/errors/index.js';
import type { EventStore, RecordedEvent } from '../../hub/kernel/event-store.js';
import { moduleLogger } from '../../hub/kernel/logger.js';
import { buildMetadata } from '../../hub/kernel/metadata.js';
import type { RecordSealing } from '../../hub/modules/records/index.js';
import { adminUnitsDataset } from './admin-units.js';
import { agenciesDataset } from './agencies.js';
import { calendarDataset } from './calendar.js';
import { contractsDataset } from './contracts.js';
import type { DemoDataset, SeedStream } from './dataset.js';
import { type DemoDatasetSeeded, type DemoDatasetSeededData, SEED_STREAM_CATEGORY } from './events.js';
import { populationDataset } from './population.js';
import { proceduresDataset } from './procedures.js';

export interface SeedProgress {
  dataset: string;
  /** Events of this dataset handled so far (appended or found present). */
  done: number;
  /** Events of this dataset; 0 until known. */
  total: number;
  /** True when the dataset was skipped because its marker shows it complete. */
  skipped: boolean;
}

export interface SeedOptions {
  /** Pass a store wrapped with `withValidation` so every seeded event is checked against its schema. */
  store: EventStore;
  logger: Logger;
  onProgress?: (progress: SeedProgress) => void;
  /** Default: every demo dataset (`demoDatasets()`). */
  datasets?: readonly DemoDataset[];
  /** Appends in flight at once (lets the store group commits). Default 32. */
  concurrency?: number;
  now?: () => Date;
}

export interface SeedResult {
  appended: number;
  alreadyPresent: number;
}

/** Namespace of the seed's own event ids: UUIDv5('https://lienthong.gov.vn/seed', URL). */
const SEED_NAMESPACE = '78b2ce7a-cc8d-5672-81aa-adfba933fb30';

/**
 * The demo datasets, in seeding order. New datasets are added here. The working calendar is the
 * bundled one (hub/modules/calendar/holidays/vn.yaml). The agency registry and the
 * contracts need `dataDir`: the demo agencies' private keys are generated into `<dataDir>/demo-keys/`,
 * their certificates issued by the demo certificate authority of `exchangeCaDir` (default
 * `<dataDir>/demo-ca`); the procedure catalogue is seeded with them.
 * The population dataset is sealed under subject keys, so it needs the hub's `sealing`.
 */
export function demoDatasets(
  options: { dataDir?: string; sealing?: RecordSealing; exchangeCaDir?: string } = {},
): DemoDataset[] {
  const population = options.sealing ? [populationDataset(options.sealing)] : [];
  if (options.dataDir === undefined) return [adminUnitsDataset(), ...population];
  return [
    adminUnitsDataset(),
    calendarDataset(),
    agenciesDataset({ dataDir: options.dataDir, exchangeCaDir: options.exchangeCaDir }),
    contractsDataset(),
    proceduresDataset(),
    ...population,
  ];
}

export const seedMarkerStream = (dataset: string) => `${SEED_STREAM_CATEGORY}-${dataset}`;

/**
 * Writes every demo dataset. Idempotent: event ids are deterministic and every append states its
 * expected revision, so a second run appends nothing; a dataset whose marker holds the current
 * fingerprint is skipped without being built.
 */
export async function seedDemoData(options: SeedOptions): Promise<SeedResult> {
  const log = moduleLogger(options.logger, 'seed');
  const total: SeedResult = { appended: 0, alreadyPresent: 0 };
  for (const dataset of options.datasets ?? demoDatasets()) {
    const started = Date.now();
    const result = await seedDataset(dataset, options);
    total.appended += result.appended;
    total.alreadyPresent += result.alreadyPresent;
    log.info({ dataset: dataset.name, ...result, ms: Date.now() - started }, 'demo dataset seeded');
  }
  return total;
}

interface Marker {
  revision: number;
  digest: string;
  events: number;
}

async function readMarker(store: EventStore, dataset: string): Promise<Marker | undefined> {
  let events: RecordedEvent[];
  try {
    events = await store.readStream(seedMarkerStream(dataset), { direction: 'backwards', maxCount: 1 });
  } catch (err) {
    if (err instanceof StreamNotFoundError) return undefined;
    throw err;
  }
  const last = events[0];
  if (!last) return undefined;
  const data = last.data as DemoDatasetSeededData;
  return { revision: last.revision, digest: data.digest, events: data.events };
}

async function seedDataset(dataset: DemoDataset, options: SeedOptions): Promise<SeedResult> {
  const { store, onProgress } = options;
  const digest = await dataset.fingerprint();
  const marker = await readMarker(store, dataset.name);
  if (marker?.digest === digest) {
    onProgress?.({ dataset: dataset.name, done: marker.events, total: marker.events, skipped: true });
    return { appended: 0, alreadyPresent: marker.events };
  }

  const streams = await dataset.build();
  const eventCount = streams.reduce((n, s) => n + s.events.length, 0);
  const result: SeedResult = { appended: 0, alreadyPresent: 0 };
  let done = 0;
  onProgress?.({ dataset: dataset.name, done, total: eventCount, skipped: false });
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < streams.length; i = next++) {
      const stream = streams[i]!;
      const { appended, present } = await appendOnce(store, stream);
      result.appended += appended;
      result.alreadyPresent += present;
      done += stream.events.length;
      onProgress?.({ dataset: dataset.name, done, total: eventCount, skipped: false });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 32) }, worker));

  const markerEvent: DemoDatasetSeeded = {
    id: uuidv5(`${dataset.name}/${digest}`, SEED_NAMESPACE),
    type: 'DemoDatasetSeeded',
    data: { dataset: dataset.name, digest, streams: streams.length, events: eventCount },
    metadata: buildMetadata({
      occurredAt: (options.now ?? (() => new Date()))(),
      actor: { kind: 'system', id: 'demo-seed' },
      correlationId: uuidv5(`${dataset.name}/${digest}/run`, SEED_NAMESPACE),
    }),
  };
  try {
    await store.append(seedMarkerStream(dataset.name), [markerEvent], {
      expectedRevision: marker ? marker.revision : 'no_stream',
    });
  } catch (err) {
    if (!(err instanceof WrongExpectedRevisionError)) throw err;
    const current = await readMarker(store, dataset.name);
    if (current?.digest !== digest) throw err;
  }
  return result;
}

/**
 * Appends a stream's events, or the part of them not yet there; counts what was already present. A
 * stream that holds the first of them already (the store names a reused event id, or the stream
 * exists) is read and continued after the events it holds.
 */
async function appendOnce(store: EventStore, { stream, events }: SeedStream) {
  try {
    const { written } = await store.append(stream, events, { expectedRevision: 'no_stream' });
    return written ? { appended: events.length, present: 0 } : { appended: 0, present: events.length };
  } catch (err) {
    if (!(err instanceof WrongExpectedRevisionError || err instanceof EventIdConflictError)) throw err;
  }
  const existing = await store.readStream(stream);
  const overlap = Math.min(existing.length, events.length);
  for (let i = 0; i < overlap; i++) {
    if (existing[i]!.id !== events[i]!.id)
      throw new SeedConflictError(stream, events[i]!.id, existing[i]!.id);
  }
  const missing = events.slice(overlap);
  if (missing.length > 0) {
    await store.append(stream, missing, { expectedRevision: existing.at(-1)!.revision });
  }
  return { appended: missing.length, present: overlap };
}
