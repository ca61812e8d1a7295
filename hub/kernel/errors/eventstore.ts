import { HubError } from './base.js';

// ── Event store ────────────────────────────────────────────────────────────────────────────────

export class WrongExpectedRevisionError extends HubError {
  readonly code = 'EVENTSTORE_WRONG_EXPECTED_REVISION';
  readonly status = 409;
  constructor(
    readonly stream: string,
    readonly expected: string | number,
    /** Current revision of the stream, or 'no_stream'. */
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${stream}: expected revision ${expected}, actual ${actual}`);
  }
  override details() {
    return { stream: this.stream, expected: this.expected, actual: this.actual };
  }
}

export class StreamNotFoundError extends HubError {
  readonly code = 'EVENTSTORE_STREAM_NOT_FOUND';
  readonly status = 404;
  constructor(readonly stream: string) {
    super(`stream ${stream} not found`);
  }
  override details() {
    return { stream: this.stream };
  }
}

/** An event id was reused with different content (or in another stream, or in a different batch). */
export class EventIdConflictError extends HubError {
  readonly code = 'EVENTSTORE_EVENT_ID_CONFLICT';
  readonly status = 409;
  constructor(
    readonly eventId: string,
    readonly stream: string,
    readonly reason: string,
  ) {
    super(`event id ${eventId} (stream ${stream}) was already used: ${reason}`);
  }
  override details() {
    return { eventId: this.eventId, stream: this.stream, reason: this.reason };
  }
}

export class InvalidStreamNameError extends HubError {
  readonly code = 'EVENTSTORE_INVALID_STREAM_NAME';
  readonly status = 400;
  constructor(readonly stream: string) {
    super(`invalid stream name ${JSON.stringify(stream)}: expected <category>-<id>`);
  }
  override details() {
    return { stream: this.stream };
  }
}

export class InvalidAppendError extends HubError {
  readonly code = 'EVENTSTORE_INVALID_APPEND';
  readonly status = 400;
}

export class StorageFullError extends HubError {
  readonly code = 'EVENTSTORE_STORAGE_FULL';
  readonly status = 507;
  override readonly retryable = true;
  constructor(readonly location: string) {
    super(`event store at ${location} is full: nothing was written; free space and retry`);
  }
  override details() {
    return { location: this.location };
  }
}

/** The file at startup is not a Lienthong event store, or is damaged. It is never overwritten. */
export class StoreFileError extends HubError {
  readonly code = 'EVENTSTORE_BAD_FILE';
  readonly status = 500;
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}; the file was left untouched`);
  }
  override details() {
    return { file: this.file, reason: this.reason };
  }
}

export class StoreClosedError extends HubError {
  readonly code = 'EVENTSTORE_CLOSED';
  readonly status = 503;
  constructor() {
    super('event store is closed');
  }
}

export class StoreUnavailableError extends HubError {
  readonly code = 'EVENTSTORE_UNAVAILABLE';
  readonly status = 503;
  override readonly retryable = true;
}
