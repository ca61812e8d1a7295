import type { EventData } from '../../kernel/event-store.js';

/**
 * The events the audit log holds, in the order of their global positions: every access to a
 * citizen's data and every read of an inspector. Add a type in the same change that starts writing
 * it: events of a type already in the store would become leaves among the old ones and change the
 * tree under every checkpoint signed before.
 */
export const AUDITED_EVENT_TYPES = [
  'DataAccessed', // hub/modules/access: a release
  'DataAccessDenied', // hub/modules/access: a refusal
  'AccessRateLimited', // hub/modules/access: refusals as RATE_LIMITED, per agency
  'DataAccessedByOperator', // hub/modules/access: sealed fields shown to an operator
  'DocumentAccessed', // hub/modules/documents: a download of a citizen's document
  'InspectionPerformed', // hub/modules/access-log: a read of an inspector
  'DisclosureDeferred', // hub/modules/access-log: disclosure to the citizen deferred under a rule
] as const;

/**
 * A signed tree head of the audit log: its first `size` entries have Merkle tree head `rootHash`
 * (RFC 6962, base64), signed at `at` by the hub's Ed25519 key `keyId` (its JWK thumbprint) as a
 * C2SP checkpoint note (`checkpoint-note.ts`); `signature` is the raw Ed25519 signature, base64.
 */
export interface AuditCheckpointSignedData {
  /** The log's name: the first line of the note and the name of the signing key in it. */
  origin: string;
  size: number;
  rootHash: string;
  at: string;
  keyId: string;
  signature: string;
}

export type AuditCheckpointSigned = EventData<'AuditCheckpointSigned', AuditCheckpointSignedData>;

/** Every event type this domain writes (each has a schema in schemas/events/). */
export const eventTypes = ['AuditCheckpointSigned'] as const;

/** The one stream of checkpoints, oldest first. */
export const AUDIT_CHECKPOINT_STREAM = 'audit-checkpoints';
