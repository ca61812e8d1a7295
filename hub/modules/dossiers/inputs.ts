import { DossierInvalidInputError } from '../../kernel/errors/index.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import { agencyInForce, vietnamDate } from '../agencies/index.js';
import type { ComponentUpload } from './commands.js';

/** A document id as the events hold it (the documents capability's ids). */
const DOCUMENT_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const SHA256 = /^[0-9a-f]{64}$/;

const invalid = (reason: string, field: string) => new DossierInvalidInputError(reason, field);

export interface ComponentArg {
  component: string;
  documentId: string;
}

function documentId(value: string, field: string): string {
  if (!DOCUMENT_ID.test(value)) {
    throw invalid('must be a document id: letters, digits and . _ : - (at most 128)', field);
  }
  return value;
}

/**
 * The components a citizen provided with a submission, a supplement or a completed declaration: a
 * document for each. How each is resolved (uploaded, asked again, reused) is the hub's judgement,
 * not the caller's; errors name `field[i]…`.
 */
export function uploadsOf(
  args: readonly ComponentArg[] | null | undefined,
  field: string,
): ComponentUpload[] {
  return (args ?? []).map((c, i) => ({
    component: c.component,
    documentId: documentId(c.documentId, `${field}[${i}].documentId`),
  }));
}

/** The declaration's values: a JSON object of the form's fields. */
export function valuesOf(values: unknown, field = 'input.declaration.values'): Record<string, unknown> {
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw invalid("must be a JSON object of the form's fields", field);
  }
  return values as Record<string, unknown>;
}

/** A signed electronic result: its document id and the SHA-256 of its content. */
export function electronicOf(arg: { documentId: string; contentHash: string } | null | undefined) {
  if (!arg) return null;
  const contentHash = arg.contentHash.toLowerCase();
  if (!SHA256.test(contentHash))
    throw invalid('must be 64 hex digits (SHA-256)', 'input.electronic.contentHash');
  return { documentId: documentId(arg.documentId, 'input.electronic.documentId'), contentHash };
}

/** A whole number of VND above 0 (GraphQL Float carries amounts past 2³¹). */
export function amountOf(value: number, field = 'input.amountVnd'): number {
  if (!Number.isSafeInteger(value) || value <= 0)
    throw invalid('must be a whole number of VND above 0', field);
  return value;
}

/** An agency registered with the hub and in force on the day of `at` (Vietnam), or DOSSIER_INVALID naming `field`. */
export function agencyInForceAt(db: ReadModelDb, organCode: string, at: Date, field: string): string {
  const day = vietnamDate(at);
  if (!agencyInForce(db, organCode, day)) {
    throw invalid(`${organCode} is not an agency registered and in force on ${day}`, field);
  }
  return organCode;
}
