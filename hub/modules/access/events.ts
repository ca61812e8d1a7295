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

/**
 * Sealed fields of one record shown in clear to a hub operator outside the consented API (e.g.
 * `connector records --reveal`), appended before anything is shown.
 */
export interface DataAccessedByOperatorData {
  /** The operator, as a verified token of an agency registered for the `operator` role names them. */
  caller: AccessCaller;
  /** Keyed pseudonym of the citizen. */
  subject: string;
  dataset: string;
  /** Personal fields shown. */
  fields: string[];
  /** Why, as the operator declared it. */
  purpose: string;
  /** The record event whose values were shown. */
  record: { eventId: string; stream: string; revision: number };
  /** The tool that showed them (e.g. `connector records`). */
  tool: string;
}

/** Distinct values up to a fixed number, and how many requests named a value not listed. */
export interface Gathered {
  listed: string[];
  others: number;
}

/** Requests of one agency refused as RATE_LIMITED, gathered across citizens. */
export interface AccessRateLimitedData {
  agency: string;
  count: number;
  firstAt: string;
  lastAt: string;
  /** Keyed pseudonyms of the citizens named (at most `RATE_LIMITED_LISTS.subjects`). */
  subjects: Gathered;
  purposes: Gathered;
  officials: Gathered;
}

/** How many distinct values an `AccessRateLimited` lists of each kind (its schema's `maxItems`). */
export const RATE_LIMITED_LISTS = { subjects: 100, purposes: 20, officials: 20 } as const;

/**
 * Accesses not shown to the citizen (the data tracker) before `until`: the accesses named, or every
 * access of an agency for a purpose. Written with the release when its contract's
 * `citizenDisclosure` rule says so, or by an inspector.
 */
export interface DisclosureDeferredData {
  /** Keyed pseudonym of the citizen. */
  subject: string;
  /** The access events deferred, or null when `scope` is. */
  accessIds: string[] | null;
  /** Every access of an agency for a purpose, or null when `accessIds` are named. */
  scope: { agency: string; purpose: string } | null;
  /** The legal text or reference the deferral rests on. */
  basis: string;
  /** First day (Vietnam time, `YYYY-MM-DD`) the accesses are shown. */
  until: string;
  /** The contract version whose rule applied, or the inspector who deferred. */
  decidedBy: { contract: { id: string; version: number } } | { caller: AccessCaller };
}

export type DataAccessed = EventData<'DataAccessed', DataAccessedData>;
export type DataAccessDenied = EventData<'DataAccessDenied', DataAccessDeniedData>;
export type AccessRateLimited = EventData<'AccessRateLimited', AccessRateLimitedData>;
export type DataAccessedByOperator = EventData<'DataAccessedByOperator', DataAccessedByOperatorData>;
export type DisclosureDeferred = EventData<'DisclosureDeferred', DisclosureDeferredData>;

/** Every event type this domain writes (each has a schema in schemas/events/). */
export const eventTypes = [
  'DataAccessed',
  'DataAccessDenied',
  'AccessRateLimited',
  'DataAccessedByOperator',
  'DisclosureDeferred',
] as const;

/**
 * One stream per data subject: the inspector console traces every access of a citizen (and the
 * citizen's own data tracker lists them) by reading a single stream, in order, on either backend,
 * with no index to keep. Day-by-day views come from `readAll` filtered on the `access-` prefix.
 */
export const ACCESS_STREAM_CATEGORY = 'access';
export const accessStream = (subject: string) => `${ACCESS_STREAM_CATEGORY}-${subject}`;

/** One stream per agency for its requests refused as RATE_LIMITED (`AccessRateLimited`). */
export const RATE_LIMITED_STREAM_CATEGORY = 'accesslimited';
export const rateLimitedStream = (agency: string) => `${RATE_LIMITED_STREAM_CATEGORY}-${agency}`;
