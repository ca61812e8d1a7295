import { type FieldCheck, fieldChecks, maxLengthOf } from '../../events/limits.js';
import type { EventValidator } from '../../events/validator.js';

/**
 * What a caller may name in a request for personal data, read from the access events' schemas (the
 * one place the limits are declared): a purpose or dossier a `DataAccessed` could not hold is refused
 * before anything is decided, and recorded cut to what `DataAccessDenied` holds.
 */
export interface AccessInputRules {
  purpose: FieldCheck;
  dossier: FieldCheck;
  /** Longest purpose and dossier a `DataAccessDenied` holds. */
  recordable: { purpose: number; dossier: number };
}

export function accessInputRules(schemas: EventValidator): AccessInputRules {
  const check = fieldChecks(schemas);
  return {
    purpose: check('DataAccessed', 'purpose'),
    dossier: check('DataAccessed', 'dossier'),
    recordable: {
      purpose: maxLengthOf(schemas, 'DataAccessDenied', 'purpose'),
      dossier: maxLengthOf(schemas, 'DataAccessDenied', 'dossier'),
    },
  };
}
