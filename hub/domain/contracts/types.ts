/** A data-sharing contract as the hub enforces it (one version of it). */
export interface ContractView {
  /** Stable id, e.g. `population-to-xa-hoa-binh` (the YAML file's `id`). */
  contractId: string;
  /** 1, 2, … — amendments create new versions; every release records the version it relied on. */
  version: number;
  /** Organ code of the agency that provides the data. */
  provider: string;
  /** Organ code of the agency allowed to receive it. */
  consumer: string;
  /** Dataset name (schemas/datasets/<dataset>.schema.json). */
  dataset: string;
  /** Fields of the dataset the consumer may receive. */
  fields: string[];
  /** Purposes (machine codes, e.g. `tthc-1.001612`, `birth-registration`) the data may be used for. */
  purposes: string[];
  /** Legal basis, e.g. `Nghị định 47/2020/NĐ-CP, Điều 14`. */
  legalBasis: string;
  /** When true, each release also needs the citizen's active consent. */
  consentRequired: boolean;
  /** ISO dates (inclusive start, exclusive end; end may be null for open-ended). */
  validFrom: string;
  validUntil: string | null;
  rateLimit: { requests: number; perSeconds: number };
  status: 'active' | 'revoked';
}

/** Extra facts the read model keeps beside `ContractView` (returned by getContract / findContracts). */
export interface ContractRecord extends ContractView {
  title?: string;
  /** Id of the event that recorded this version: the lineage link from a release to its contract. */
  sourceEventId: string;
  revocation?: { reason: string; revokedOn: string };
}
