import type { JWK } from 'jose';
import type { EventData } from '../../kernel/event-store.js';
import type { Role } from '../../kernel/vocabulary.js';

/** Tier of an agency. `district` agencies exist only before 1 July 2025; tiers are data with dates. */
export type AgencyLevel = 'central' | 'province' | 'district' | 'commune';

/** Where an agency's token-signing public keys come from. */
export type AgencyKeys =
  | { jwks: { keys: JWK[] } }
  /** Fetched by the hub; accepted only when the URL is on the configured allowlist. */
  | { jwksUrl: string };

/** Everything an operator states about an agency (registered, then replaced whole on update). */
export interface AgencyDescriptor {
  /** Organ code, Decision 20/2020/QĐ-TTg form, e.g. `000.00.01.H01`. */
  organCode: string;
  name: string;
  englishName?: string;
  level: AgencyLevel;
  parentOrganCode?: string;
  /** Administrative unit the agency serves (hub/modules/admin-units id), e.g. `commune.00004.20250701`. */
  adminUnitId?: string;
  roles: Role[];
  keys: AgencyKeys;
  /**
   * X.509 certificates (PEM, public only) the agency signs exchanged edXML envelopes with; the
   * exchange accepts a signature only by one of them. Rotation: an update with the new list
   * (keep the old certificate listed while envelopes it signed may still arrive).
   */
  certificates?: string[];
  /** Token `iss`; default `urn:lienthong:agency:<organCode>`. */
  issuer?: string;
  /** First day in force, `YYYY-MM-DD`. */
  validFrom: string;
  /** First day no longer in force (exclusive), when known in advance. */
  validUntil?: string;
}

export type AgencyRegisteredData = AgencyDescriptor;
export type AgencyUpdatedData = AgencyDescriptor;

export interface AgencyRetiredData {
  organCode: string;
  /** First day no longer in force (exclusive end). */
  validUntil: string;
  /** The agency that took over its functions; anything addressed to this one resolves there. */
  successorOrganCode?: string;
  reason?: string;
}

export type AgencyRegistered = EventData<'AgencyRegistered', AgencyRegisteredData>;
export type AgencyUpdated = EventData<'AgencyUpdated', AgencyUpdatedData>;
export type AgencyRetired = EventData<'AgencyRetired', AgencyRetiredData>;
export type AgencyEvent = AgencyRegistered | AgencyUpdated | AgencyRetired;

/** Every event type this domain writes (each has a schema in schemas/events/). */
export const eventTypes = ['AgencyRegistered', 'AgencyUpdated', 'AgencyRetired'] as const;

export const AGENCY_STREAM_CATEGORY = 'agency';
export const agencyStream = (organCode: string) => `${AGENCY_STREAM_CATEGORY}-${organCode}`;

/** Decision 20/2020/QĐ-TTg organ code: `000.00.01.H01`, `000.00.00.G22`, `H01.21.01`, … */
export const ORGAN_CODE = /^[0-9A-Z]{2,3}(\.[0-9A-Z]{2,3}){2,3}$/;

export const ISSUER_PREFIX = 'urn:lienthong:agency:';
export const issuerOf = (agency: Pick<AgencyDescriptor, 'organCode' | 'issuer'>) =>
  agency.issuer ?? `${ISSUER_PREFIX}${agency.organCode}`;
