import { type FieldCheck, fieldChecks } from '../../events/limits.js';
import type { EventValidator } from '../../events/validator.js';
import { DocumentInputError } from '../../kernel/errors/index.js';

/**
 * What callers may send into document events, read from the events' schemas (the one place the
 * limits are declared), so bad input is refused naming the field before anything is stored.
 */
export interface DocumentInputRules {
  subject: FieldCheck;
  dossier: FieldCheck;
  componentCode: FieldCheck;
  resultType: FieldCheck;
  reason: FieldCheck;
  purpose: FieldCheck;
  accessDossier: FieldCheck;
}

export function documentInputRules(schemas: EventValidator): DocumentInputRules {
  const check = fieldChecks(schemas);
  return {
    subject: check('DocumentDigitised', 'subject'),
    dossier: check('DocumentDigitised', 'dossier'),
    componentCode: check('DocumentDigitised', 'componentCode'),
    resultType: check('DocumentDigitised', 'resultType'),
    reason: check('DocumentRevoked', 'reason'),
    purpose: check('DocumentAccessed', 'purpose'),
    accessDossier: check('DocumentAccessed', 'dossier'),
  };
}

/** Throws DOCUMENT_INPUT_INVALID naming `field` (and the place inside it) when `value` does not fit. */
export function requireFits<T>(check: FieldCheck, field: string, value: T): T {
  const issue = check(value);
  if (issue) throw new DocumentInputError(`${field}${issue.at}`, issue.message);
  return value;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A document id as callers name it (a path or an argument `id`): DOCUMENT_INPUT_INVALID unless a UUID. */
export function requireDocumentId(id: string): string {
  if (!UUID.test(id)) throw new DocumentInputError('id', 'must be a document id (UUID)');
  return id;
}
