import { defineError } from './base.js';

// ── Input documents (agency and contract files) ────────────────────────────────────────────────

export interface FileIssue {
  file: string;
  /** JSON pointer into the document, e.g. `/fields/2`; empty for the whole file. */
  path: string;
  /** 1-based line, when known. */
  line?: number;
  message: string;
}

export const formatFileIssue = (i: FileIssue) =>
  `${i.file}${i.line ? `:${i.line}` : ''}: ${i.path || '/'} ${i.message}`;

/** A YAML/JSON input file (agency descriptor, contract) is malformed or invalid. */
export class InvalidDocumentError extends defineError({
  code: 'DOCUMENT_INVALID',
  status: 400,
  args: (issues: FileIssue[]) => ({ issues }),
  message: (d) => d.issues.map(formatFileIssue).join('\n'),
}) {}
