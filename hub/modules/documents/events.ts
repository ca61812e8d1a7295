import type { EventData } from '../../kernel/event-store.js';

/**
 * Media types the hub stores (Decree 45/2020 accepts these for digitised dossier components and
 * electronic results). Each is checked against the bytes on upload (`media.ts`).
 */
export const MEDIA_TYPES = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'application/xml',
  'application/json',
] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

/**
 * Kinds of earlier results a citizen holds (documents issued by procedures), as the shared datasets
 * name them; the event schemas hold the same list.
 */
export const RESULT_TYPES = [
  'birth-certificate',
  'residence-registration-confirmation',
  'health-insurance-card',
  'death-certificate',
  'residence-removal-confirmation',
  'funeral-allowance-decision',
  'marriage-certificate',
  'marital-status-certificate',
  'business-registration-certificate',
  'land-use-certificate',
  'judicial-record-certificate',
  'driving-licence',
] as const;
export type ResultType = (typeof RESULT_TYPES)[number];

/** An agency and its official who did something to a document. */
export interface ActingOfficial {
  /** Organ code. */
  agency: string;
  /** Staff id of the official (for a citizen-portal upload: the portal's official). */
  official: string;
}

/**
 * What every document event names. Hashes are SHA-256, lowercase hex: `contentHash` of the
 * plaintext (what signatures cover and what a reader gets), `blobHash` of the bytes stored (the
 * content encrypted under the subject's key), which is the blob's address in the file store.
 */
export interface StoredContent {
  documentId: string;
  /** Keyed pseudonym of the data subject, whose key encrypts the content. */
  subject: string;
  contentHash: string;
  blobHash: string;
  /** Bytes of the plaintext. */
  size: number;
  mediaType: MediaType;
  pages: number;
}

/** A paper component of a dossier was digitised (số hóa) and stored. */
export interface DocumentDigitisedData extends StoredContent {
  dossier: string;
  /** The dossier component (thành phần hồ sơ) it satisfies. */
  componentCode: string;
  digitisedBy: ActingOfficial;
  digitisedAt: string;
  /** A certified electronic copy (bản sao điện tử chứng thực), not a plain scan. */
  certifiedCopy: boolean;
  /** When the paper is an earlier result of a procedure (a birth certificate, …): which kind. */
  resultType: ResultType | null;
}

/** An agency issued an electronic result (kết quả điện tử), signed with its own key. */
export interface ElectronicResultIssuedData extends StoredContent {
  resultType: ResultType;
  /** The dossier whose procedure produced it. */
  dossier: string;
  /** Organ code of the issuing agency, whose key signed `signature`. */
  issuer: string;
  issuedAt: string;
  /** End of validity (exclusive), or null when it does not expire. */
  validUntil: string | null;
  /** The compact JWS the issuer signed over the result's claims (`result-signature.ts`). */
  signature: string;
  /** The key (`kid`) and algorithm the signature verified with when recorded. */
  signedWith: { kid: string; alg: 'ES256' | 'EdDSA' };
  /** Who brought the signed result to the hub. */
  recordedBy: ActingOfficial;
}

/** An earlier document satisfies a component of another dossier (once-only: not asked again). */
export interface DocumentReusedData {
  documentId: string;
  subject: string;
  dossier: string;
  componentCode: string;
  /** Id of the DocumentDigitised / ElectronicResultIssued event reused. */
  sourceEventId: string;
  reusedBy: ActingOfficial;
  reusedAt: string;
}

/** The issuing (or digitising) agency withdrew the document: it no longer satisfies anything. */
export interface DocumentRevokedData {
  documentId: string;
  subject: string;
  reason: string;
  revokedBy: ActingOfficial;
  revokedAt: string;
}

/** A document's content was sent to a caller (appended to the subject's access stream before sending). */
export interface DocumentAccessedData {
  caller: ActingOfficial & { role: string; tokenId: string };
  subject: string;
  /** Always `documents`: the access log lists documents beside dataset releases. */
  dataset: 'documents';
  /** Always `['content']`. */
  fields: ['content'];
  purpose: string;
  dossier: string | null;
  document: { documentId: string; contentHash: string };
  requestId: string;
}

export type DocumentDigitised = EventData<'DocumentDigitised', DocumentDigitisedData>;
export type ElectronicResultIssued = EventData<'ElectronicResultIssued', ElectronicResultIssuedData>;
export type DocumentReused = EventData<'DocumentReused', DocumentReusedData>;
export type DocumentRevoked = EventData<'DocumentRevoked', DocumentRevokedData>;
export type DocumentAccessed = EventData<'DocumentAccessed', DocumentAccessedData>;
/** The events of a `document-<id>` stream. */
export type DocumentEvent = DocumentDigitised | ElectronicResultIssued | DocumentReused | DocumentRevoked;

/** Every event type this domain writes (each has a schema in schemas/events/). */
export const eventTypes = [
  'DocumentDigitised',
  'ElectronicResultIssued',
  'DocumentReused',
  'DocumentRevoked',
  'DocumentAccessed',
] as const;

export const DOCUMENT_STREAM_CATEGORY = 'document';
export const documentStream = (documentId: string) => `${DOCUMENT_STREAM_CATEGORY}-${documentId}`;

/** Namespace of deterministic document ids: UUIDv5('https://lienthong.gov.vn/documents', URL). */
export const DOCUMENTS_NAMESPACE = '685c9c93-d8af-52cf-91fe-5f4772554b45';
