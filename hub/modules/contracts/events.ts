import type { EventData } from '../../kernel/event-store.js';

/** What a contract file states (schemas/contract.schema.json), without its revocation. */
export interface ContractTerms {
  /** Stable id, e.g. `population-to-xa-hoa-binh` (the YAML file's `id`). */
  contractId: string;
  title?: string;
  /** Organ code of the agency that provides the data. */
  provider: string;
  /** Organ code of the agency allowed to receive it. */
  consumer: string;
  /** Dataset name (schemas/datasets/<dataset>.schema.json). */
  dataset: string;
  /** Fields of the dataset the consumer may receive. */
  fields: string[];
  /** Purposes (machine codes, e.g. `tthc-1.001612`) the data may be used for. */
  purposes: string[];
  /** Legal basis, e.g. `Nghị định 47/2020/NĐ-CP, Điều 14`. */
  legalBasis: string;
  /** When true, each release also needs the citizen's active consent. */
  consentRequired: boolean;
  /** ISO dates: inclusive start, exclusive end (null for open-ended). */
  validFrom: string;
  validUntil: string | null;
  rateLimit: { requests: number; perSeconds: number };
  /**
   * When present, each release under the contract is hidden from the citizen's data tracker for
   * `deferDays` days (a `DisclosureDeferred` written with the release), on `basis`.
   */
  citizenDisclosure?: CitizenDisclosureRule;
}

/** A contract's rule deferring the disclosure of its releases to the citizen. */
export interface CitizenDisclosureRule {
  /** Days (Vietnam calendar) after the release before the citizen sees it. */
  deferDays: number;
  /** The legal text or reference the deferral rests on. */
  basis: string;
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
