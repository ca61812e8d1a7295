import type { HeldSource } from '../dossiers/index.js';
import type { ApplicantAttribute, ComponentSource, FieldSource } from '../procedures/index.js';

/**
 * What is vouched for about the applicant: by the citizen portal that authenticated them, or by the
 * chip-based ID card read at the desk (with what the desk adds). The personal ID must be the
 * dossier's applicant's.
 */
export type ApplicantAttributes = { personalId: string } & Partial<Record<ApplicantAttribute, string>>;

/** A linked dossier's field filled from its parent's declaration (a mapping of the link; `field` null for a fixed value). */
export interface LinkedSource {
  kind: 'linked';
  dossier: string;
  field: string | null;
}

/** One eForm field the state can fill: filled (with where the value came from) or left to type, and why. */
export interface FieldOutcome {
  /** Dotted path in the eForm. */
  path: string;
  source: FieldSource | LinkedSource;
  filled: boolean;
  value?: unknown;
  /** The record event the value came from (dataset sources). */
  recordEventId?: string;
  /** The `DataAccessed` event of the read. */
  accessId?: string;
  /**
   * Why it is not filled: the release's refusal code (`CONSENT_REQUIRED`, `FIELD_NOT_IN_CONTRACT`,
   * `NOT_FOUND`, `FORBIDDEN`, …), `INPUT_MISSING` (the form field naming the record is empty),
   * `NOT_PROVIDED` (the applicant attribute was not given), `NOT_IN_RECORD`, `RESULT_NOT_READ`.
   */
  reason?: string;
  message?: string;
}

/** One component of the procedure: satisfied by reuse of what the state holds, by the declaration, or to upload. */
export interface ComponentOutcome {
  code: string;
  name: string;
  required: boolean;
  source: ComponentSource;
  satisfiedBy: 'reuse' | 'upload' | 'declaration';
  /** What holds it (reuse): the record event, or the earlier result and the event that recorded it. */
  held?: HeldSource;
  accessId?: string;
  /** Why a component the state could supply must be uploaded (codes as for fields, `NO_EARLIER_RESULT`). */
  reason?: string;
  message?: string;
}

/** The eForm of a dossier with every field the state can fill already filled. */
export interface PrefillResult {
  dossierId: string;
  procedure: { code: string; version: string };
  eForm: Record<string, unknown>;
  /** The declaration as recorded, with the values the state supplied set over it. */
  values: Record<string, unknown>;
  /** Every field the state can fill, in form order. */
  fields: FieldOutcome[];
  /** Fields the citizen still types: those nothing fills and those left unfilled. */
  typed: string[];
  components: ComponentOutcome[];
  /** The `DataAccessed` events of the reads. */
  accesses: string[];
}
