import type { ValueSource } from './events.js';
import type { Release } from './release.js';

/** How a record was released, as the API's `Release` type and the callers of `releaseRecord` see it. */
export interface ReleaseReceipt {
  /** Id of the `DataAccessed` event recording the release. */
  accessId: string;
  fields: string[];
  contractId: string;
  contractVersion: number;
  consentId: string | null;
  /** For each field, the record event its value came from. */
  sources: ValueSource[];
}

export const receiptOf = (released: Release): ReleaseReceipt => ({
  accessId: released.accessId,
  fields: released.fields,
  contractId: released.contract.id,
  contractVersion: released.contract.version,
  consentId: released.consentId,
  sources: released.sources,
});
