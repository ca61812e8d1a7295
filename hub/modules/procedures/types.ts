import type { ProcedureDefinition, ServiceLevel } from './events.js';

/** One version of a procedure as the read model holds it. */
export interface ProcedureRecord extends ProcedureDefinition {
  version: number;
  contentHash: string;
  /** A withdrawn procedure's versions all read `withdrawn`. */
  status: 'published' | 'withdrawn';
  /** Id of the event that published this version: what a dossier cites. */
  sourceEventId: string;
  /** When this version was recorded. */
  publishedAt: string;
  withdrawal?: { reason: string; withdrawnOn: string };
}

export interface ProcedureFilter {
  field?: string;
  level?: string;
  serviceLevel?: ServiceLevel;
  /** Default `published`. */
  status?: 'published' | 'withdrawn' | 'any';
}
