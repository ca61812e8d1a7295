import type { EventData } from '../../kernel/event-store.js';

/** The agency and official on whose behalf data was asked for. */
export interface AccessCaller {
  agency: string;
  official: string;
  role: string;
  /** `jti` of the bearer token. */
  tokenId: string;
}

/** Where one released value came from: the record event that last set it. */
export interface ValueSource {
  field: string;
  eventId: string;
  stream: string;
  revision: number;
}

/** What every access record names: who asked, about whom, for what. */
export interface AccessRequestData {
  caller: AccessCaller;
  /** Keyed pseudonym of the citizen. */
  subject: string;
  dataset: string;
  /** Fields released (DataAccessed) or asked for (DataAccessDenied). */
  fields: string[];
  purpose: string;
  dossier: string | null;
  /** The request that caused the record (fastify request id). */
  requestId: string;
}

export interface DataAccessedData extends AccessRequestData {
  contract: { id: string; version: number };
  /** Consent relied on, or null when the contract needs none. */
  consentId: string | null;
  sources: ValueSource[];
}

export interface DataAccessDeniedData extends AccessRequestData {
  /** Stable code the caller received (e.g. CONSENT_WITHDRAWN, PURPOSE_NOT_ALLOWED). */
  reason: string;
  contract: { id: string; version: number } | null;
  consentId: string | null;
  /** Fields whose value was longer than the schema allows, recorded cut to its limit. */
  truncated?: ('purpose' | 'dossier')[];
  /** Present when the record stands for several identical refusals in a row (this one the last). */
  repeated?: { count: number; firstAt: string; lastAt: string };
}

export type DataAccessed = EventData<'DataAccessed', DataAccessedData>;
export type DataAccessDenied = EventData<'DataAccessDenied', DataAccessDeniedData>;

/** Every event type this domain writes (each has a schema in schemas/events/). */
export const eventTypes = ['DataAccessed', 'DataAccessDenied'] as const;

/**
 * One stream per data subject: the inspector console traces every access of a citizen (and the
 * citizen's own data tracker lists them) by reading a single stream, in order, on either backend,
 * with no index to keep. Day-by-day views come from `readAll` filtered on the `access-` prefix.
 */
export const ACCESS_STREAM_CATEGORY = 'access';
export const accessStream = (subject: string) => `${ACCESS_STREAM_CATEGORY}-${subject}`;
