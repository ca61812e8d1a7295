import { defineError } from './base.js';

// ── The procedure catalogue (thủ tục hành chính) ─────────────────────────────────────────────────

export class ProcedureNotFoundError extends defineError({
  code: 'PROCEDURE_NOT_FOUND',
  status: 404,
  args: (procedureCode: string) => ({ procedureCode }),
  message: (d) => `procedure ${d.procedureCode} is not in the catalogue`,
}) {}

export class ProcedureStateError extends defineError({
  code: 'PROCEDURE_INVALID_STATE',
  status: 409,
  args: (procedureCode: string, reason: string) => ({ procedureCode, reason }),
  message: (d) => `procedure ${d.procedureCode}: ${d.reason}`,
}) {}

/** A procedure code (or a catalogue filter) given by a caller is malformed; `argument` names what. */
export class InvalidProcedureQueryError extends defineError({
  code: 'PROCEDURE_INVALID_QUERY',
  status: 400,
  args: (argument: string, value: string, expected: string) => ({ argument, value, expected }),
  message: (d) => `${d.argument}: expected ${d.expected}, got ${JSON.stringify(d.value)}`,
}) {}

/** One problem of a declaration against its procedure's eForm, at a JSON pointer into the declaration. */
export interface DeclarationIssue {
  /** JSON pointer into the declaration, e.g. `/mother/personalId`; empty for the whole declaration. */
  pointer: string;
  /** The JSON Schema keyword that failed (`required`, `pattern`, `additionalProperties`, …). */
  keyword: string;
  message: string;
}

/** A declaration (tờ khai) does not satisfy its procedure's eForm. */
export class DeclarationInvalidError extends defineError({
  code: 'PROCEDURE_DECLARATION_INVALID',
  status: 400,
  args: (procedureCode: string, issues: DeclarationIssue[]) => ({ procedureCode, issues }),
  message: (d) =>
    `declaration for procedure ${d.procedureCode}: ${d.issues.map((i) => `${i.pointer || '/'} ${i.message}`).join('; ')}`,
}) {}
