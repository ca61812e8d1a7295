import { defineError, noDetails } from './base.js';

// ── Event store ────────────────────────────────────────────────────────────────────────────────

export class WrongExpectedRevisionError extends defineError({
  code: 'EVENTSTORE_WRONG_EXPECTED_REVISION',
  status: 409,
  args: (
    stream: string,
    expected: string | number,
    /** Current revision of the stream, or 'no_stream'. */
    actual: number | 'no_stream',
  ) => ({ stream, expected, actual }),
  message: (d) => `stream ${d.stream}: expected revision ${d.expected}, actual ${d.actual}`,
}) {}

export class StreamNotFoundError extends defineError({
  code: 'EVENTSTORE_STREAM_NOT_FOUND',
  status: 404,
  args: (stream: string) => ({ stream }),
  message: (d) => `stream ${d.stream} not found`,
}) {}

/** An event id was reused with different content (or in another stream, or in a different batch). */
export class EventIdConflictError extends defineError({
  code: 'EVENTSTORE_EVENT_ID_CONFLICT',
  status: 409,
  args: (eventId: string, stream: string, reason: string) => ({ eventId, stream, reason }),
  message: (d) => `event id ${d.eventId} (stream ${d.stream}) was already used: ${d.reason}`,
}) {}

export class InvalidStreamNameError extends defineError({
  code: 'EVENTSTORE_INVALID_STREAM_NAME',
  status: 400,
  args: (stream: string) => ({ stream }),
  message: (d) => `invalid stream name ${JSON.stringify(d.stream)}: expected <category>-<id>`,
}) {}

export class InvalidAppendError extends defineError({
  code: 'EVENTSTORE_INVALID_APPEND',
  status: 400,
  args: (reason: string) => ({ reason }),
  message: (d) => d.reason,
  expose: noDetails,
}) {}

export class StorageFullError extends defineError({
  code: 'EVENTSTORE_STORAGE_FULL',
  status: 507,
  retryable: true,
  args: (location: string) => ({ location }),
  message: (d) => `event store at ${d.location} is full: nothing was written; free space and retry`,
}) {}

/** The file at startup is not a Lienthong event store, or is damaged. It is never overwritten. */
export class StoreFileError extends defineError({
  code: 'EVENTSTORE_BAD_FILE',
  status: 500,
  args: (file: string, reason: string) => ({ file, reason }),
  message: (d) => `${d.file}: ${d.reason}; the file was left untouched`,
}) {}

export class StoreClosedError extends defineError({
  code: 'EVENTSTORE_CLOSED',
  status: 503,
  args: () => ({}),
  message: () => 'event store is closed',
}) {}

export class StoreUnavailableError extends defineError({
  code: 'EVENTSTORE_UNAVAILABLE',
  status: 503,
  retryable: true,
  args: (reason: string) => ({ reason }),
  message: (d) => d.reason,
  expose: noDetails,
}) {}

/** A command that works on the embedded store's file (integrity check, file size) met another backend. */
export class EmbeddedStoreOnlyError extends defineError({
  code: 'EVENTSTORE_EMBEDDED_ONLY',
  status: 400,
  args: (command: string, backend: string) => ({ command, backend }),
  message: (d) =>
    `${d.command} works on the embedded SQLite store file only; the configured store is ${d.backend} (LIENTHONG_STORE=${d.backend}): use its own tools`,
}) {}
