import type { EventData } from '../../kernel/event-store.js';

/** The inspector on whose behalf a read was made (as access records name their callers). */
export interface InspectionCaller {
  agency: string;
  official: string;
  role: string;
  /** `jti` of the bearer token. */
  tokenId: string;
}

/** What an inspector read. */
export const INSPECTION_KINDS = [
  'access-log',
  'access-export',
  'lineage',
  'data-quality',
  'audit-export',
  'audit-proof',
] as const;
export type InspectionKind = (typeof INSPECTION_KINDS)[number];

export interface InspectionPerformedData {
  caller: InspectionCaller;
  kind: InspectionKind;
  /** Keyed pseudonym of the citizen the read was about, or null. */
  subject: string | null;
  /** The filters and arguments as given, personal ID numbers replaced by their pseudonyms. */
  query: Record<string, unknown>;
  /** Entries or nodes the answer held. */
  count: number;
  /** The request answered (fastify request id). */
  requestId: string;
}

export type InspectionPerformed = EventData<'InspectionPerformed', InspectionPerformedData>;

/** Every event type this domain writes (each has a schema in schemas/events/). */
export const eventTypes = ['InspectionPerformed'] as const;

/** One stream per inspecting agency: what its inspectors read, in order. */
export const INSPECTION_STREAM_CATEGORY = 'inspection';
export const inspectionStream = (agency: string) => `${INSPECTION_STREAM_CATEGORY}-${agency}`;
