import { defineError } from './base.js';

// ── The OpenLineage export of connector runs and data accesses ─────────────────────────────────

/** A parameter of an export (a query parameter of the HTTP route, an option of the CLI) is not usable. */
export class OpenLineageQueryError extends defineError({
  code: 'OPENLINEAGE_INVALID_QUERY',
  status: 400,
  args: (parameter: string, reason: string) => ({ parameter, reason }),
  message: (d) => `${d.parameter}: ${d.reason}`,
}) {}

/** An OpenLineage HTTP endpoint did not take an event the CLI posted to it; the events after it were not sent. */
export class OpenLineageTransportError extends defineError({
  code: 'OPENLINEAGE_TRANSPORT_FAILED',
  status: 502,
  args: (url: string, sent: number, reason: string) => ({ url, sent, reason }),
  message: (d) =>
    `${d.url}: ${d.reason} (${d.sent} event(s) sent before it; run the export again with --since to resume)`,
}) {}

/** Exported events that the OpenLineage schemas refuse (`openlineage validate`). */
export class OpenLineageEventsInvalidError extends defineError({
  code: 'OPENLINEAGE_EVENTS_INVALID',
  status: 400,
  args: (file: string, invalid: number, total: number) => ({ file, invalid, total }),
  message: (d) => `${d.file}: ${d.invalid} of ${d.total} event(s) are not valid OpenLineage`,
}) {}
