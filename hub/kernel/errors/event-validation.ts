import { defineError } from './base.js';

// ── Events and their schemas (validation of every append) ───────────────────────────────────

export interface SchemaIssue {
  /** JSON pointer into the event envelope, e.g. `/data/fullName`. */
  path: string;
  message: string;
}

export class EventValidationError extends defineError({
  code: 'EVENT_INVALID',
  status: 400,
  args: (eventType: string, issues: SchemaIssue[]) => ({ eventType, issues }),
  message: (d) =>
    `invalid ${d.eventType} event: ${d.issues.map((i) => `${i.path || '/'} ${i.message}`).join('; ')}`,
}) {}

export class UnknownEventTypeError extends defineError({
  code: 'EVENT_UNKNOWN_TYPE',
  status: 400,
  args: (eventType: string) => ({ eventType }),
  message: (d) => `unknown event type ${JSON.stringify(d.eventType)}: no schema in schemas/events/`,
}) {}

/** A schema file under schemas/ is unreadable, misnamed or does not compile. Raised at startup. */
export class SchemaLoadError extends defineError({
  code: 'EVENT_SCHEMA_INVALID',
  status: 500,
  args: (file: string, reason: string) => ({ file, reason }),
  message: (d) => `schema ${d.file}: ${d.reason}`,
}) {}
