import type { EventData } from '../../eventstore/event-store.js';

/** What a contract file states (schemas/contract.schema.json), without its revocation. */
export interface ContractTerms {
  contractId: string;
  title?: string;
  provider: string;
  consumer: string;
  dataset: string;
  fields: string[];
  purposes: string[];
  legalBasis: string;
  consentRequired: boolean;
  validFrom: string;
  validUntil: string | null;
  rateLimit: { requests: number; perSeconds: number };
}

export interface ContractVersionData extends ContractTerms {
  version: number;
  /** SHA-256 (hex) of the canonical terms: applying unchanged terms again appends nothing. */
  digest: string;
}

export type ContractRegisteredData = ContractVersionData;
export type ContractAmendedData = ContractVersionData;

export interface ContractRevokedData {
  contractId: string;
  /** The version in force when revoked. */
  version: number;
  reason: string;
  /** Day of revocation, `YYYY-MM-DD`. */
  revokedOn: string;
}

export type ContractRegistered = EventData<'ContractRegistered', ContractRegisteredData>;
export type ContractAmended = EventData<'ContractAmended', ContractAmendedData>;
export type ContractRevoked = EventData<'ContractRevoked', ContractRevokedData>;
export type ContractEvent = ContractRegistered | ContractAmended | ContractRevoked;

/** Every event type this domain writes (each has a schema in schemas/events/). */
export const eventTypes = ['ContractRegistered', 'ContractAmended', 'ContractRevoked'] as const;

export const CONTRACT_STREAM_CATEGORY = 'contract';
export const contractStream = (contractId: string) => `${CONTRACT_STREAM_CATEGORY}-${contractId}`;
