import type { ContractTerms } from './events.js';

/** A data-sharing contract as the hub enforces it: one version of its terms, and whether it still holds. */
export interface ContractView extends Omit<ContractTerms, 'title'> {
  /** 1, 2, … — amendments create new versions; every release records the version it relied on. */
  version: number;
  status: 'active' | 'revoked';
}

/** Extra facts the read model keeps beside `ContractView` (returned by getContract / findContracts). */
export interface ContractRecord extends ContractView {
  title?: string;
  /** Id of the event that recorded this version: the lineage link from a release to its contract. */
  sourceEventId: string;
  revocation?: { reason: string; revokedOn: string };
}

/** Contracts under which `consumer` receives `dataset`, in force on the day of `on` (UTC+7). */
export type FindContracts = (query: { consumer: string; dataset: string; on: Date }) => ContractView[];
