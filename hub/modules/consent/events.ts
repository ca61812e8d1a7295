import type { EventData } from '../../kernel/event-store.js';

/** Datasets and fields a consent covers. */
export interface ConsentScope {
  dataset: string;
  fields: string[];
}

export interface ConsentGrantedData {
  consentId: string;
  /** Keyed pseudonym of the citizen (never the personal ID number). */
  subject: string;
  /** Organ code of the agency the citizen lets receive the data. */
  consumer: string;
  purposes: string[];
  scope: ConsentScope[];
  /** Dossier the consent serves, or null for any dossier of the purposes. */
  dossier: string | null;
  /** ISO date-times: valid from (inclusive) until (exclusive). */
  validFrom: string;
  validUntil: string;
  /** The portal (organ code) and its official through which the citizen consented. */
  collectedBy: { agency: string; official: string };
  /** Id (`jti`) of the signed receipt the citizen received. */
  receiptId: string;
}

export interface ConsentWithdrawnData {
  consentId: string;
  subject: string;
  consumer: string;
  withdrawnAt: string;
  reason: string | null;
}

export interface ConsentExpiredData {
  consentId: string;
  subject: string;
  consumer: string;
  /** The end of the validity window (equal to the grant's validUntil). */
  expiredAt: string;
}

export type ConsentGranted = EventData<'ConsentGranted', ConsentGrantedData>;
export type ConsentWithdrawn = EventData<'ConsentWithdrawn', ConsentWithdrawnData>;
export type ConsentExpired = EventData<'ConsentExpired', ConsentExpiredData>;
export type ConsentEvent = ConsentGranted | ConsentWithdrawn | ConsentExpired;

/** Every event type this domain writes (each has a schema in schemas/events/). */
export const eventTypes = ['ConsentGranted', 'ConsentWithdrawn', 'ConsentExpired'] as const;

export const CONSENT_STREAM_CATEGORY = 'consent';
export const consentStream = (consentId: string) => `${CONSENT_STREAM_CATEGORY}-${consentId}`;

/** Namespace of deterministic consent event ids: UUIDv5('https://lienthong.gov.vn/consent', URL). */
export const CONSENT_NAMESPACE = 'c6a1f0d2-5b8e-5d47-8e0a-2f4b9c1d7e63';
