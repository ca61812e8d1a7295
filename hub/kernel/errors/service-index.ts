import { defineError } from './base.js';
import { type FileIssue, formatFileIssue } from './documents.js';

// ── The service index (Decision 766/QĐ-TTg): methods, figures, drill-down, imported reports ────

/** An argument of a service-index query or command is not usable (a period, a scope, a cursor …). */
export class ServiceIndexInputError extends defineError({
  code: 'SERVICE_INDEX_INVALID_INPUT',
  status: 400,
  args: (field: string, reason: string) => ({ field, reason }),
  message: (d) => `${d.field}: ${d.reason}`,
}) {}

/** A method file (`hub/modules/service-index/methods/*.yaml`) breaks its schema or a rule of the method. */
export class ServiceIndexMethodInvalidError extends defineError({
  code: 'SERVICE_INDEX_METHOD_INVALID',
  status: 400,
  args: (issues: FileIssue[]) => ({ issues }),
  message: (d) => d.issues.map(formatFileIssue).join('\n'),
}) {}

/** No version of the method is in force on the first day of the period asked for. */
export class ServiceIndexNoMethodError extends defineError({
  code: 'SERVICE_INDEX_NO_METHOD',
  status: 404,
  args: (period: string, versions: readonly string[]) => ({
    field: 'period',
    period,
    versions: [...versions],
  }),
  message: (d) =>
    `no version of the service index method is in force for ${d.period} (versions: ${d.versions.join(', ') || 'none'})`,
}) {}

/** A group or indicator code the method version of the period does not have. */
export class ServiceIndexUnknownCodeError extends defineError({
  code: 'SERVICE_INDEX_UNKNOWN_CODE',
  status: 404,
  args: (field: string, code: string, method: string, known: readonly string[]) => ({
    field,
    code,
    method,
    known: [...known],
  }),
  message: (d) =>
    `${d.field}: method ${d.method} has no ${JSON.stringify(d.code)} (known: ${d.known.join(', ')})`,
}) {}

export interface ReportIssue {
  /** 1-based line of the file (the header is line 1). */
  line: number;
  /** The column at fault, or empty for the whole row. */
  column: string;
  message: string;
}

/** A period report to import (CSV from the national portal) is malformed; nothing was imported. */
export class ServiceIndexReportInvalidError extends defineError({
  code: 'SERVICE_INDEX_REPORT_INVALID',
  status: 400,
  args: (file: string, issues: ReportIssue[]) => ({ file, issues }),
  message: (d) =>
    d.issues
      .slice(0, 20)
      .map((i) => `${d.file}:${i.line}: ${i.column || 'row'}: ${i.message}`)
      .join('\n'),
}) {}
