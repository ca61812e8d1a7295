import type { EventData } from '../../hub/kernel/event-store.js';

export interface DemoDatasetSeededData {
  dataset: string;
  digest: string;
  streams: number;
  events: number;
}

export type DemoDatasetSeeded = EventData<'DemoDatasetSeeded', DemoDatasetSeededData>;

/** Every event type the seed writes (each has a schema in schemas/events/). */
export const eventTypes = ['DemoDatasetSeeded'] as const;

export const SEED_STREAM_CATEGORY = 'seed';
