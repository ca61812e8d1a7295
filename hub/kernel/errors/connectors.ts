import { defineError, HubError } from './base.js';

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

/** A manifest, mapping or configuration does not validate. Nothing was read or written. */
export class ConnectorConfigError extends defineError({
  code: 'CONNECTOR_CONFIG_INVALID',
  status: 400,
  args: (subject: string, issues: ConnectorIssue[]) => ({ failure: 'config' as const, subject, issues }),
  message: (d) => `${d.subject}: ${d.issues.map((i) => `${i.path || '/'} ${i.message}`).join('; ')}`,
}) {}

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

/**
 * The source database refused or failed: code `CONNECTOR_SOURCE_<REASON>`, classified by reason.
 * Written by hand because its code follows the reason.
 */
export class ConnectorSourceError extends HubError {
  readonly code: `CONNECTOR_SOURCE_${SourceErrorReason}`;
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

/** The two settings of the error tolerance, as the connector's configuration names them. */
export interface ErrorTolerance {
  maxRejectedRows: number;
  maxRejectedRatio: number;
}

/**
 * More rows were rejected than the configured tolerance: the run stopped after the last good
 * checkpoint. The message names the setting that was exceeded, both settings' values and what
 * was observed, so the reader knows what to change.
 */
export class ConnectorErrorToleranceError extends defineError({
  code: 'CONNECTOR_ERROR_TOLERANCE_EXCEEDED',
  status: 422,
  args: (
    rejected: number,
    read: number,
    /** The setting exceeded. */
    exceeded: keyof ErrorTolerance,
    settings: ErrorTolerance,
    /** Failing field paths with how often each failed. */
    paths: Record<string, number>,
  ) => ({ failure: 'config' as const, rejected, read, exceeded, settings, paths }),
  message: (d) => {
    const top = Object.entries(d.paths)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([p, n]) => `${p} (${n})`)
      .join(', ');
    const ratio = d.read > 0 ? d.rejected / d.read : 0;
    const observed =
      d.exceeded === 'maxRejectedRows'
        ? `${d.rejected} rows rejected (of ${d.read} read), more than maxRejectedRows = ${d.settings.maxRejectedRows}`
        : `${d.rejected} of ${d.read} rows rejected (ratio ${Number(ratio.toFixed(4))}), more than maxRejectedRatio = ${d.settings.maxRejectedRatio}`;
    const other =
      d.exceeded === 'maxRejectedRows'
        ? `maxRejectedRatio = ${d.settings.maxRejectedRatio}`
        : `maxRejectedRows = ${d.settings.maxRejectedRows}`;
    return `${observed} (${other}); most frequent: ${top}. Fix the mapping or the source rows, or raise ${d.exceeded} in the configuration (--set ${d.exceeded}=…)`;
  },
  expose: (d) => ({
    failure: d.failure,
    rejected: d.rejected,
    read: d.read,
    exceeded: d.exceeded,
    settings: d.settings,
    paths: d.paths,
  }),
}) {}

/** The connector is running (its lock is held by a live process): reset and a second sync must wait. */
export class ConnectorBusyError extends defineError({
  code: 'CONNECTOR_RUNNING',
  status: 409,
  args: (connector: string, pid: number) => ({ failure: 'transient' as const, connector, pid }),
  message: (d) => `connector ${d.connector} is running (process ${d.pid}); wait for it to finish`,
}) {}

export class ConnectorNotFoundError extends defineError({
  code: 'CONNECTOR_NOT_FOUND',
  status: 404,
  args: (connector: string, dir: string) => ({ failure: 'config' as const, connector, dir }),
  message: (d) => `no connector ${d.connector}: ${d.dir} has no connector.json`,
  expose: (d) => ({ failure: d.failure }),
}) {}

/** `resolve` named a record with no open identity conflict, or a row that is not part of it. */
export class ConnectorConflictNotFoundError extends defineError({
  code: 'CONNECTOR_CONFLICT_NOT_FOUND',
  status: 404,
  args: (connector: string, what: string) => ({ failure: 'config' as const, connector, what }),
  message: (d) => `connector ${d.connector}: ${d.what}`,
  expose: (d) => ({ failure: d.failure }),
}) {}
