import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ConnectorConfigError, ConnectorSourceError } from '../hub/kernel/errors/index.js';
import type { RecordedEvent } from '../hub/kernel/event-store.js';
import { inspection } from './inspect.js';
import {
  addCounts,
  type ConnectorStateReset,
  type RunCounts,
  type StreamState,
  zeroCounts,
} from './kit/events.js';
import { type ConnectorHub, connectorPaths } from './kit/hub.js';
import { acquireLock, inspectLock, type LockOwner } from './kit/lock.js';
import {
  CONNECTORS_DIR,
  columnReferences,
  type LoadedConnector,
  loadConnector,
  resolveConfig,
} from './kit/manifest.js';
import type { Catalog, CheckResult, SourceConnector } from './kit/protocol.js';
import { RecordIndex } from './kit/record-index.js';
import { RunLog, readRunLog } from './kit/run-log.js';
import { configuredStream, streamName } from './kit/stream-source.js';
import { type RunReport, runSync, type SyncOptions, type SyncResult } from './kit/sync.js';
import { sqlSource } from './sql/source.js';

/** Source implementations by manifest `kind`. */
export function sourceFor(kind: string): SourceConnector<never> {
  if (kind === 'sql') return sqlSource() as SourceConnector<never>;
  throw new ConnectorConfigError('connector.json', [{ path: '/kind', message: `unknown kind ${kind}` }]);
}

export interface ConnectorStatus {
  connector: string;
  version: string;
  /** The live process holding the run lock. */
  running: Pick<LockOwner, 'pid' | 'host' | 'startedAt' | 'heartbeatAt'> | null;
  /** A lock left by a process that died or stopped beating: not running; the next run takes it over. */
  staleLock: (Pick<LockOwner, 'pid' | 'host' | 'heartbeatAt'> & { reason: string }) | null;
  states: StreamState[];
  lastRun: {
    runId: string;
    outcome: 'running' | 'interrupted' | 'completed' | 'failed';
    events: RecordedEvent[];
  } | null;
  index: { entries: number; deleted: number };
}

/** Automatic retries of a sync that failed for a transient reason at the source. */
export interface RetryOptions {
  /**
   * How many new runs to start after a transient source failure (connection lost, timeout,
   * unreachable host). Each resumes from the last checkpoint the failed run saved. Default 0.
   */
  retries?: number;
  /** Wait before the first retry; doubles for each further one. Default 1,000 ms. */
  retryDelayMs?: number;
  /** Told before each retry (for progress output). */
  onRetry?: (retry: { attempt: number; of: number; delayMs: number; error: ConnectorSourceError }) => void;
}

/** What `sync` returns: the last run's result, and every attempt it took with their sum. */
export interface SyncSummary extends SyncResult {
  /** Each run started, in order: failed ones (transient, retried) then the last. */
  attempts: RunReport[];
  /** Counts summed over the attempts. */
  total: RunCounts;
  /** From the first attempt's start to the last one's end, waits between retries included. */
  elapsedMs: number;
}

/** Counts summed over attempts. */
export const sumCounts = (attempts: readonly Pick<RunReport, 'counts'>[]): RunCounts =>
  attempts.reduce((t, a) => addCounts(t, a.counts), zeroCounts());

/** Whether a failed run is worth starting again at once: the source failed for a transient reason. */
export const retryableFailure = (error: unknown): error is ConnectorSourceError =>
  error instanceof ConnectorSourceError && error.failure === 'transient';

export interface OpenConnectorOptions {
  name: string;
  hub: ConnectorHub;
  logger: Logger;
  configFile?: string;
  set?: string[];
  /** Folder holding connector folders (default: this repository's connectors/). */
  root?: string;
}

/** A connector bound to a hub: everything the CLI, the demo and the benchmark do with one. */
export function openConnector(options: OpenConnectorOptions) {
  const { hub, name } = options;
  const loaded: LoadedConnector = loadConnector(name, hub.datasets, options.root ?? CONNECTORS_DIR);
  const config = resolveConfig(loaded, { file: options.configFile, set: options.set });
  const source = sourceFor(loaded.manifest.kind);
  const paths = connectorPaths(hub.dataDir, name);
  const any = source as unknown as SourceConnector<Record<string, unknown>>;
  return {
    loaded,
    config,
    source,
    paths,
    ...inspection({ hub, name, loaded, paths }),
    check: (timeoutMs?: number): Promise<CheckResult> =>
      any.check(config, {
        timeoutMs,
        streams: loaded.manifest.streams.map((s, i) =>
          configuredStream(s, loaded.mappings[i]!, `/streams/${i}`),
        ),
        columns: columnReferences(loaded),
      }),
    discover: (): Promise<Catalog> => any.discover(config),
    /**
     * One run (recorded in the connector's run log); with `retries`, a run that fails for a
     * transient reason at the source is followed by a new run resuming from its last checkpoint.
     */
    async sync(
      opts: Pick<
        SyncOptions,
        | 'dryRun'
        | 'limit'
        | 'fullRefresh'
        | 'onProgress'
        | 'onCheckpoint'
        | 'onRunEnd'
        | 'now'
        | 'planInWorker'
      > &
        RetryOptions = {},
    ): Promise<SyncSummary> {
      const { retries = 0, retryDelayMs = 1000, onRetry, onRunEnd, ...run } = opts;
      const streams = loaded.manifest.streams.map(streamName);
      const unknown = (run.fullRefresh ?? []).filter((s) => !streams.includes(s));
      if (unknown.length > 0)
        throw new ConnectorConfigError(
          'sync --full-refresh',
          unknown.map((s) => ({
            path: '--stream',
            message: `${name} has no stream ${s} (its streams: ${streams.join(', ')})`,
          })),
        );
      const attempts: RunReport[] = [];
      const started = Date.now();
      for (let attempt = 1; ; attempt++) {
        const index = new RecordIndex(paths.index);
        try {
          const result = await runSync({
            ...run,
            onRunEnd: (r) => {
              attempts.push(r);
              onRunEnd?.(r);
            },
            loaded,
            source,
            config,
            store: hub.store,
            sealing: hub.sealing,
            datasets: hub.datasets,
            index,
            lockFile: paths.lock,
            logger: options.logger,
          });
          return { ...result, attempts, total: sumCounts(attempts), elapsedMs: Date.now() - started };
        } catch (error) {
          if (run.dryRun || attempt > retries || !retryableFailure(error)) throw error;
          const delayMs = retryDelayMs * 2 ** (attempt - 1);
          options.logger.warn(
            { connector: name, code: error.code, attempt, delayMs },
            'sync failed; retrying',
          );
          onRetry?.({ attempt, of: retries, delayMs, error });
          await new Promise((resolve) => setTimeout(resolve, delayMs));
        } finally {
          index.close();
        }
      }
    },
    async status(): Promise<ConnectorStatus> {
      const view = await readRunLog(hub.store, name);
      const index = new RecordIndex(paths.index);
      const counts = index.count();
      index.close();
      const lock = inspectLock(paths.lock);
      const holder = lock.state === 'held' ? lock.owner : undefined;
      const last = view.lastRun;
      const endType = last.at(-1)?.type;
      const runId = (last[0]?.data as { runId?: string } | undefined)?.runId;
      return {
        connector: name,
        version: loaded.manifest.version,
        running: holder
          ? {
              pid: holder.pid,
              host: holder.host,
              startedAt: holder.startedAt,
              heartbeatAt: holder.heartbeatAt,
            }
          : null,
        staleLock:
          lock.state === 'stale'
            ? {
                pid: lock.owner.pid,
                host: lock.owner.host,
                heartbeatAt: lock.owner.heartbeatAt,
                reason: lock.reason,
              }
            : null,
        states: [...view.states.values()],
        lastRun: runId
          ? {
              runId,
              outcome:
                endType === 'ConnectorRunCompleted'
                  ? 'completed'
                  : endType === 'ConnectorRunFailed'
                    ? 'failed'
                    : holder !== undefined
                      ? 'running'
                      : 'interrupted',
              events: last,
            }
          : null,
        index: counts,
      };
    },
    /** Forgets the checkpoints (the next sync reads everything again); refused while a sync runs. */
    async reset(): Promise<StreamState[]> {
      const lock = acquireLock(paths.lock, name);
      try {
        const view = await readRunLog(hub.store, name);
        const previous = [...view.states.values()];
        const correlationId = randomUUID();
        await new RunLog(hub.store, name, view.revision, () => new Date()).append<ConnectorStateReset>(
          { id: randomUUID(), type: 'ConnectorStateReset', data: { connector: name, previous } },
          correlationId,
          null,
        );
        return previous;
      } finally {
        lock.release();
      }
    },
  };
}

export type OpenedConnector = ReturnType<typeof openConnector>;
