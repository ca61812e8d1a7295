import { defineError } from './base.js';

// ── The document-folder connector: an agency's document system and its hub's exchange ──────────
//
// `failure` classifies as for the other connectors: `config` needs a person (an option, the token,
// the hub's address), `transient` may succeed on retry. None carries a token or a document's text.

/** An option or a folder the connector cannot work with; nothing was sent or received. */
export class DocumentFolderConfigError extends defineError({
  code: 'DOCUMENT_FOLDER_CONFIG_INVALID',
  status: 400,
  args: (option: string, problem: string) => ({ failure: 'config' as const, option, problem }),
  message: (d) => `${d.option} ${d.problem}`,
}) {}

/** The hub could not be reached, timed out or answered 5xx, 408 or 429: retried later. */
export class DocumentFolderHubUnavailableError extends defineError({
  code: 'DOCUMENT_FOLDER_HUB_UNAVAILABLE',
  status: 503,
  retryable: true,
  args: (hub: string, problem: string, httpStatus?: number) => ({
    failure: 'transient' as const,
    hub,
    problem,
    httpStatus,
  }),
  message: (d) => `the hub at ${d.hub} is unavailable: ${d.problem}`,
}) {}

/**
 * The hub refused the connector itself rather than a document: the token (401), the agency's role
 * (403 on the inbox), an address that is no exchange (404 `ROUTE_NOT_FOUND`, an answer that is not
 * the exchange's JSON). Files stay where they are until a person fixes it.
 */
export class DocumentFolderHubRefusedError extends defineError({
  code: 'DOCUMENT_FOLDER_HUB_REFUSED',
  status: 502,
  args: (hub: string, httpStatus: number, hubCode: string | undefined, problem: string) => ({
    failure: 'config' as const,
    hub,
    httpStatus,
    hubCode,
    problem,
  }),
  message: (d) =>
    `the hub at ${d.hub} refused the connector (${d.httpStatus}${d.hubCode ? ` ${d.hubCode}` : ''}): ${d.problem}`,
}) {}

/** `<incoming>/.cursor` is not what the connector writes; it is never guessed over. */
export class DocumentFolderCursorInvalidError extends defineError({
  code: 'DOCUMENT_FOLDER_CURSOR_INVALID',
  status: 500,
  args: (file: string, problem: string) => ({ failure: 'config' as const, file, problem }),
  message: (d) => `${d.file} ${d.problem}; restore it or write {"after": <last position received>}`,
}) {}
