import { HubError } from './base.js';

// ── Connectors ─────────────────────────────────────────────────────────────────────────────────

/**
 * How a connector failure should be handled: `config` needs a person to fix configuration, mapping
 * or grants (retrying will not help); `transient` may succeed on retry (network, killed connection,
 * timeout); `system` is a defect or an unexpected state of the source or the hub.
 */
export type ConnectorFailure = 'config' | 'transient' | 'system';

export interface ConnectorIssue {
  /** JSON pointer to the offending field, e.g. `/streams/0/cursorField`. */
  path: string;
  message: string;
}

export abstract class ConnectorError extends HubError {
  abstract readonly failure: ConnectorFailure;
  override details(): Record<string, unknown> {
    return { failure: this.failure };
  }
}

/** A manifest, mapping or configuration does not validate. Nothing was read or written. */
export class ConnectorConfigError extends ConnectorError {
  readonly code = 'CONNECTOR_CONFIG_INVALID';
  readonly status = 400;
  readonly failure = 'config';
  constructor(
    readonly subject: string,
    readonly issues: ConnectorIssue[],
  ) {
    super(`${subject}: ${issues.map((i) => `${i.path || '/'} ${i.message}`).join('; ')}`);
  }
  override details() {
    return { failure: this.failure, subject: this.subject, issues: this.issues };
  }
}

export type SourceErrorReason =
  | 'UNREACHABLE'
  | 'AUTH_FAILED'
  | 'DATABASE_MISSING'
  | 'TABLE_MISSING'
  | 'COLUMN_MISSING'
  | 'PERMISSION_DENIED'
  | 'CONNECTION_LOST'
  | 'TIMEOUT'
  | 'QUERY_FAILED';

const SOURCE_FAILURE: Record<SourceErrorReason, ConnectorFailure> = {
  UNREACHABLE: 'transient',
  AUTH_FAILED: 'config',
  DATABASE_MISSING: 'config',
  TABLE_MISSING: 'config',
  COLUMN_MISSING: 'config',
  PERMISSION_DENIED: 'config',
  CONNECTION_LOST: 'transient',
  TIMEOUT: 'transient',
  QUERY_FAILED: 'system',
};

/** The source database refused or failed: code `CONNECTOR_SOURCE_<REASON>`, classified by reason. */
export class ConnectorSourceError extends ConnectorError {
  readonly code: string;
  readonly status = 502;
  readonly failure: ConnectorFailure;
  override readonly retryable: boolean;
  constructor(
    readonly reason: SourceErrorReason,
    /** The source system, without credentials (e.g. `postgres://127.0.0.1:5432/population`). */
    readonly system: string,
    message: string,
  ) {
    super(`${system}: ${message}`);
    this.code = `CONNECTOR_SOURCE_${reason}`;
    this.failure = SOURCE_FAILURE[reason];
    this.retryable = this.failure === 'transient';
  }
  override details() {
    return { failure: this.failure, reason: this.reason, system: this.system };
  }
}

/** More rows were rejected than the configured tolerance: the run stopped after the last good checkpoint. */
export class ConnectorErrorToleranceError extends ConnectorError {
  readonly code = 'CONNECTOR_ERROR_TOLERANCE_EXCEEDED';
  readonly status = 422;
  readonly failure = 'config';
  constructor(
    readonly rejected: number,
    readonly read: number,
    readonly tolerance: number,
    /** Failing field paths with how often each failed. */
    readonly paths: Record<string, number>,
  ) {
    const top = Object.entries(paths)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([p, n]) => `${p} (${n})`)
      .join(', ');
    super(`${rejected} of ${read} rows rejected, above the tolerance of ${tolerance}; most frequent: ${top}`);
  }
  override details() {
    return { failure: this.failure, rejected: this.rejected, read: this.read, paths: this.paths };
  }
}

/** The connector is running (its lock is held by a live process): reset and a second sync must wait. */
export class ConnectorBusyError extends ConnectorError {
  readonly code = 'CONNECTOR_RUNNING';
  readonly status = 409;
  readonly failure = 'transient';
  constructor(
    readonly connector: string,
    readonly pid: number,
  ) {
    super(`connector ${connector} is running (process ${pid}); wait for it to finish`);
  }
  override details() {
    return { failure: this.failure, connector: this.connector, pid: this.pid };
  }
}

export class ConnectorNotFoundError extends ConnectorError {
  readonly code = 'CONNECTOR_NOT_FOUND';
  readonly status = 404;
  readonly failure = 'config';
  constructor(
    readonly connector: string,
    readonly dir: string,
  ) {
    super(`no connector ${connector}: ${dir} has no connector.json`);
  }
}

// ── Synthetic source databases (demo/sources) ───────────────────────────────────────────────

/** A source target that cannot be used: unknown kind, malformed URL, missing database name. */
export class SourceTargetError extends HubError {
  readonly code = 'SOURCE_TARGET_INVALID';
  readonly status = 400;
  constructor(
    readonly kind: string,
    reason: string,
  ) {
    super(`${kind} source target: ${reason}`);
  }
  override details() {
    return { kind: this.kind };
  }
}

/** The database server for a source could not be reached. */
export class SourceUnavailableError extends HubError {
  readonly code = 'SOURCE_UNAVAILABLE';
  readonly status = 503;
  override readonly retryable = true;
  constructor(
    readonly kind: string,
    reason: string,
  ) {
    super(`${kind} server unavailable: ${reason}`);
  }
  override details() {
    return { kind: this.kind };
  }
}
