import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  ConnectorBusyError,
  ConnectorErrorToleranceError,
  type ConnectorFailure,
  ConnectorSourceError,
  type HubError,
} from '../../hub/kernel/errors/index.js';
import type { EventStore } from '../../hub/kernel/event-store.js';
import { moduleLogger } from '../../hub/kernel/logger.js';
import type { DatasetDefinition, RecordSealing } from '../../hub/modules/records/index.js';
import { type BatchOutcome, executePlan, type PreviewRow, processBatch } from './batch.js';
import { ConflictBook } from './conflicts.js';
import { processEventBatch, TargetStreams } from './event-batch.js';
import { eventTargets, streamDefinition } from './event-targets.js';
import {
  type ConnectorRunCheckpointed,
  type ConnectorRunCompleted,
  type ConnectorRunFailed,
  type ConnectorRunStarted,
  type RunCounts,
  type StreamState,
  zeroCounts,
} from './events.js';
import { sourceKeyShown } from './identity.js';
import { streamLineage } from './lineage.js';
import { acquireLock } from './lock.js';
import type { LoadedConnector } from './manifest.js';
import { compileMapping } from './mapping.js';
import { planWorkerInit, workerPlanner } from './planner.js';
import { atOrBeforeCheckpoint } from './position.js';
import type { ConfiguredStream, SourceConnector, SourceRow } from './protocol.js';
import { ReadAhead } from './read-ahead.js';
import type { RecordIndex } from './record-index.js';
import { refreshOf, startingState } from './refresh.js';
import { RunLog, readRunLog } from './run-log.js';
import type { StreamContext } from './stream-context.js';
import { configuredStream, streamName } from './stream-source.js';
import { watchIdle, within } from './watchdog.js';

export interface SyncProgress {
  stream: string;
  /** Rows handled so far in this stream. */
  done: number;
  /** Rows the source reported for this read up front (an estimate). */
  total: number;
  counts: RunCounts;
}

export interface SyncOptions {
  loaded: LoadedConnector;
  source: SourceConnector<never>;
  config: Record<string, unknown>;
  store: EventStore;
  sealing: RecordSealing;
  datasets: ReadonlyMap<string, DatasetDefinition>;
  index: RecordIndex;
  /** The run lock file (`connectorPaths().lock`). */
  lockFile: string;
  logger: Logger;
  /** Map and compare without writing anything (no events, no keys, no index, no lock). */
  dryRun?: boolean;
  /** Read at most this many rows per stream. */
  limit?: number;
  /**
   * Streams (by name) this run reads as a full refresh: every row from the start, then records of
   * rows it did not see are deleted (`missing-from-full-refresh`); an incremental stream then goes
   * on from the refresh's last row. A refresh left unfinished is continued by the next run.
   */
  fullRefresh?: readonly string[];
  onProgress?: (p: SyncProgress) => void;
  /** Called after each checkpoint (tests use it to inject faults). */
  onCheckpoint?: (state: StreamState, counts: RunCounts) => void | Promise<void>;
  /** Told once when the run ends, completed or failed (a retrying caller sums its attempts). */
  onRunEnd?: (run: RunReport) => void;
  now?: () => Date;
  /**
   * Map, seal and build events in a worker thread while the main thread appends (needs
   * `sealing.secrets`). Default: when the source reports at least WORKER_MIN_ROWS rows to read.
   */
  planInWorker?: boolean;
}

/** Below this many rows a worker thread's start-up costs more than it saves. */
export const WORKER_MIN_ROWS = 20_000;

export interface RunReport {
  runId: string;
  outcome: 'completed' | 'failed';
  counts: RunCounts;
  durationMs: number;
  error?: { code: string; failure: ConnectorFailure; message: string };
}

/** Default of the `idleTimeoutMs` configuration key: the watchdog on the source's batches. */
export const IDLE_TIMEOUT_MS = 120_000;

export interface SyncResult {
  runId: string;
  dryRun: boolean;
  counts: RunCounts;
  durationMs: number;
  /** State after the run (what a real run saves; for a dry run, what it would save). */
  states: StreamState[];
  /** Dry runs: each row's fate, the source key hashed when it is personal (as in dead letters). */
  preview?: PreviewRow[];
  /** Dry runs: the tolerance a real run would have stopped at, where it would have stopped (a real run throws it). */
  stoppedBy?: ConnectorErrorToleranceError;
}

function errorOf(e: unknown): { code: string; failure: ConnectorFailure; message: string } {
  const err = e as HubError & { failure?: ConnectorFailure };
  return {
    code: err?.code ?? 'INTERNAL',
    failure: err?.failure ?? (err?.retryable ? 'transient' : 'system'),
    message: err instanceof Error ? err.message : String(e),
  };
}

/**
 * Runs a connector once. Checkpointing: each batch's record events are appended (and acknowledged
 * durable) first; only then is ConnectorRunCheckpointed appended to `connector-<name>`. A crash in
 * between leaves the previous checkpoint in force: the next run re-reads that tail, and the
 * deterministic event ids (plus the stream-head check in `appendRecord`) make it append nothing twice.
 */
export async function runSync(options: SyncOptions): Promise<SyncResult> {
  const { loaded, store, index } = options;
  const { manifest } = loaded;
  const name = manifest.name;
  const now = options.now ?? (() => new Date());
  const dryRun = options.dryRun ?? false;
  const log = moduleLogger(options.logger, 'connector', { connector: name });
  const started = Date.now();
  const runId = randomUUID();
  const startedEventId = randomUUID();
  const counts = zeroCounts();
  const config = options.config;
  const source = options.source as SourceConnector<Record<string, unknown>>;
  const batchSize = Number(config.batchSize ?? 2000);
  const planThreads = Number(config.planThreads ?? 2);
  const maxRows = Number(config.maxRejectedRows ?? 1000);
  const maxRatio = Number(config.maxRejectedRatio ?? 0.01);
  const idleMs = Number(config.idleTimeoutMs ?? IDLE_TIMEOUT_MS);
  const system = String(config.url ?? '').replace(/\/\/[^@/]*@/, '//');
  const silent = () =>
    new ConnectorSourceError(
      'TIMEOUT',
      system,
      `no batch from the source within ${idleMs} ms (idleTimeoutMs)`,
    );
  /** Aborts the read under way: the source drops its connection. */
  let reading: AbortController | undefined;
  let lockLost: ConnectorBusyError | undefined;
  const lock = dryRun
    ? undefined
    : acquireLock(options.lockFile, name, {
        onLost: (now) => {
          lockLost = new ConnectorBusyError(name, now.state === 'free' ? -1 : now.owner.pid);
          reading?.abort(lockLost);
        },
      });
  const release = () => lock?.release();
  const [view, conflicts] = await Promise.all([
    readRunLog(store, name),
    ConflictBook.load(store, name),
  ]).catch((e) => {
    release();
    throw e;
  });
  const runLog = new RunLog(store, name, view.revision, now);
  const refreshing = manifest.streams
    .filter((s) => s.mode === 'incremental' && options.fullRefresh?.includes(streamName(s)))
    .map(streamName);
  const preview: PreviewRow[] = [];
  const finalStates: StreamState[] = [];
  let stoppedBy: ConnectorErrorToleranceError | undefined;
  try {
    if (!dryRun) {
      await runLog.append<ConnectorRunStarted>(
        {
          id: startedEventId,
          type: 'ConnectorRunStarted',
          data: {
            connector: name,
            version: manifest.version,
            runId,
            system,
            streams: manifest.streams.map(streamName),
            resumedFrom: [...view.states.values()],
            ...(refreshing.length > 0 ? { fullRefresh: refreshing } : {}),
            lineage: manifest.streams.map((s, i) => streamLineage(s, loaded.mappings[i]!)),
          },
        },
        runId,
        null,
      );
    }
    const rejectedPaths: Record<string, number> = {};
    for (const [i, s] of manifest.streams.entries()) {
      const mapping = loaded.mappings[i]!;
      const def = streamDefinition(s, options.datasets)!;
      const target = s.target ? eventTargets.get(s.target) : undefined;
      const targetStreams = new TargetStreams();
      const mapper = compileMapping(mapping, def, options.sealing.versionKey);
      const stream: ConfiguredStream = configuredStream(s, mapping, `/streams/${i}`);
      const { name: table, cursorField } = stream;
      const ctx: StreamContext = {
        connector: name,
        runId,
        startedEventId,
        system,
        table,
        primaryKey: s.primaryKey,
        cursorField,
        def,
        mapper,
        softDelete: s.softDelete && {
          column: s.softDelete.column,
          deleted: new Set((s.softDelete.deletedValues ?? [1, true, '1']).map(String)),
        },
        deadLetterKey: sourceKeyShown(s, mapping, def, options.sealing.versionKey),
        store,
        sealing: options.sealing,
        index,
        conflicts,
        log,
        now,
      };
      let state = startingState(s, table, view.states.get(table), refreshing.includes(table), runId);
      const refresh = refreshOf(ctx, state, dryRun);
      /** Where an incremental read resumes: rows at or before it are the look-back's re-reads. */
      const resumedAt = s.mode === 'incremental' && state?.cursor != null ? state : undefined;
      const estimate = source.estimate?.(config, stream, state);
      const total = options.limit ?? (estimate ? (await within(estimate, idleMs, silent)).rows : 0);
      const positionOf = (row: SourceRow) =>
        cursorField && s.mode === 'incremental'
          ? `${cursorField}=${String(row[cursorField])};${s.primaryKey}=${String(row[s.primaryKey])}`
          : `${s.primaryKey}=${String(row[s.primaryKey])}`;
      let done = 0;
      options.onProgress?.({ stream: table, done, total, counts: { ...counts } });
      reading = new AbortController();
      const iterator = watchIdle(
        source
          .read(config, stream, { state, batchSize, limit: options.limit, signal: reading.signal })
          [Symbol.asyncIterator](),
        { idleMs, controller: reading, timeout: silent, closed: () => new Error('read closed by the run') },
      );
      const offload =
        !target && !dryRun && options.sealing.secrets && (options.planInWorker ?? total >= WORKER_MIN_ROWS);
      const planner = offload
        ? workerPlanner(ctx, planWorkerInit(ctx, mapping, options.sealing), log, planThreads)
        : undefined;
      const planBatch = (rows: SourceRow[]) => {
        const fetchedAt = now().toISOString();
        const entries = index.lookup(
          table,
          rows.map((r) => String(r[s.primaryKey])),
        );
        return planner!
          .plan(rows, entries, rows.map(positionOf), fetchedAt)
          .then((b) => ({ ...b, fetchedAt }));
      };
      const ahead = new ReadAhead(
        iterator,
        planner ? 2 + planThreads : 1,
        (r) => String(r[s.primaryKey]),
        planner && planBatch,
      );
      try {
        for (;;) {
          const item = await ahead.next();
          if (!item) break;
          const { batch } = item;
          let outcome: BatchOutcome;
          const ready = item.ready && (await item.ready);
          if (target) {
            outcome = await processEventBatch(ctx, target, targetStreams, batch.rows, { dryRun, positionOf });
          } else if (ready && !ahead.stale(item)) {
            outcome = await executePlan(ctx, batch.rows, ready.plan, ready.fetchedAt, ready.keys);
          } else {
            outcome = await processBatch(ctx, batch.rows, { dryRun, positionOf });
          }
          ahead.executed(batch.rows);
          refresh?.saw(batch.rows.map((r) => String(r[s.primaryKey])));
          counts.read += batch.rows.length;
          if (resumedAt)
            counts.reread += batch.rows.filter((r) =>
              atOrBeforeCheckpoint(r[cursorField!], r[s.primaryKey], resumedAt),
            ).length;
          counts.upserted += outcome.upserted;
          counts.unchanged += outcome.unchanged;
          counts.deleted += outcome.deleted;
          counts.rejected += outcome.rejected.length;
          counts.rejectedAgain += outcome.rejectedAgain;
          counts.quarantined += outcome.quarantined;
          for (const r of outcome.rejected)
            for (const issue of r.issues) rejectedPaths[issue.path] = (rejectedPaths[issue.path] ?? 0) + 1;
          if (outcome.preview)
            preview.push(
              ...outcome.preview.map((p) => ({ ...p, sourceKey: ctx.deadLetterKey(p.sourceKey) })),
            );
          state = { ...batch.state, ...(state?.generation ? { generation: state.generation } : {}) };
          // Each checkpoint refreshes the heartbeat and proves the lock is still this run's.
          if (lock && !lock.beat()) throw lockLost!;
          if (!dryRun) {
            await runLog.append<ConnectorRunCheckpointed>(
              {
                id: randomUUID(),
                type: 'ConnectorRunCheckpointed',
                data: {
                  connector: name,
                  runId,
                  state,
                  counts: { ...counts },
                  lastPosition: outcome.lastPosition,
                },
              },
              runId,
              startedEventId,
            );
            await options.onCheckpoint?.(state, { ...counts });
          }
          done += batch.rows.length;
          options.onProgress?.({ stream: table, done, total, counts: { ...counts } });
          const overRatio = counts.read >= 1000 && counts.rejected / counts.read > maxRatio;
          if (counts.rejected > maxRows || overRatio) {
            const exceeded = new ConnectorErrorToleranceError(
              counts.rejected,
              counts.read,
              counts.rejected > maxRows ? 'maxRejectedRows' : 'maxRejectedRatio',
              { maxRejectedRows: maxRows, maxRejectedRatio: maxRatio },
              rejectedPaths,
            );
            // A dry run stops where a real run would, and still shows the rows it rejected.
            if (!dryRun) throw exceeded;
            stoppedBy = exceeded;
            break;
          }
        }
      } finally {
        await planner?.close();
        await iterator.return();
      }
      // A refresh read to the end: what it did not see is gone from the source.
      if (refresh && state && options.limit === undefined && !stoppedBy) {
        const finished = await refresh.finish(state, preview);
        counts.deleted += finished.deleted;
        state = finished.state;
      }
      finalStates.push(state ?? { stream: table, mode: s.mode, cursor: null, pk: null });
      if (stoppedBy) break;
    }
    const durationMs = Date.now() - started;
    if (!dryRun) {
      await runLog.append<ConnectorRunCompleted>(
        {
          id: randomUUID(),
          type: 'ConnectorRunCompleted',
          data: { connector: name, runId, counts: { ...counts }, durationMs, states: finalStates },
        },
        runId,
        startedEventId,
      );
    }
    log.info({ runId, counts, durationMs, dryRun }, 'connector run completed');
    options.onRunEnd?.({ runId, outcome: 'completed', counts: { ...counts }, durationMs });
    return {
      runId,
      dryRun,
      counts,
      durationMs,
      states: finalStates,
      ...(dryRun ? { preview } : {}),
      ...(stoppedBy ? { stoppedBy } : {}),
    };
  } catch (e) {
    const error = errorOf(e);
    log.warn({ runId, counts, code: error.code, failure: error.failure }, 'connector run failed');
    if (!dryRun) {
      await runLog
        .append<ConnectorRunFailed>(
          {
            id: randomUUID(),
            type: 'ConnectorRunFailed',
            data: { connector: name, runId, counts: { ...counts }, durationMs: Date.now() - started, error },
          },
          runId,
          startedEventId,
        )
        .catch((err) => log.error({ code: (err as HubError).code }, 'could not record the failed run'));
    }
    options.onRunEnd?.({
      runId,
      outcome: 'failed',
      counts: { ...counts },
      durationMs: Date.now() - started,
      error,
    });
    throw e;
  } finally {
    release();
  }
}
