import { defineError } from './base.js';

// ── Tamper evidence: the audit log, its checkpoints and bundles ─────────────────────────────────

/**
 * The audit tree no longer matches a checkpoint the hub signed (an entry of the store changed, or
 * the read model was rebuilt from a store that did): the hub signs nothing more until it is looked
 * into (`npm run hub -- audit verify --store`).
 */
export class AuditLogInconsistentError extends defineError({
  code: 'AUDIT_LOG_INCONSISTENT',
  status: 500,
  args: (size: number, reason: string) => ({ size, reason }),
  message: (d) =>
    `the audit log does not extend its checkpoint of size ${d.size} (${d.reason}); nothing was signed`,
}) {}

/** The audit read model is behind what a request needs (it is catching up); retry shortly. */
export class AuditLogBehindError extends defineError({
  code: 'AUDIT_LOG_BEHIND',
  status: 503,
  retryable: true,
  args: (entries: number, needed: number) => ({ entries, needed }),
  message: (d) =>
    `the audit log holds ${d.entries} entries so far, ${d.needed} are needed: it is catching up`,
}) {}

/** No checkpoint has been signed yet. */
export class AuditNoCheckpointError extends defineError({
  code: 'AUDIT_NO_CHECKPOINT',
  status: 404,
  args: () => ({}),
  message: () => 'no audit checkpoint has been signed yet',
}) {}

/** Bad input to an audit command or route, naming the option or field. */
export class AuditInputError extends defineError({
  code: 'AUDIT_INPUT_INVALID',
  status: 400,
  args: (field: string, reason: string) => ({ field, reason }),
  message: (d) => `${d.field}: ${d.reason}`,
}) {}

/** Why a bundle (or the store, checked online) does not verify. */
export type AuditFailure =
  | 'malformed'
  | 'key'
  | 'signature'
  | 'consistency'
  | 'leaves'
  | 'entry'
  | 'count'
  | 'truncated'
  | 'trusted-checkpoint';

export type AuditBundleFailure = {
  reason: AuditFailure;
  /** What is wrong, naming the first bad entry or checkpoint. */
  detail: string;
  /** 1-based line of the bundle, when a line is at fault. */
  line: number | null;
  /** 0-based index of the entry at fault, when one is. */
  entry: number | null;
  /** 1-based number of the checkpoint at fault, when one is. */
  checkpoint: number | null;
};

/** A bundle or the store does not verify: the first thing found wrong. */
export class AuditBundleInvalidError extends defineError({
  code: 'AUDIT_BUNDLE_INVALID',
  status: 422,
  message: (d: AuditBundleFailure) => d.detail,
}) {}
