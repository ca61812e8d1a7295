import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { startTypeScriptWorker } from '../../hub/kernel/workers.js';
import type { DatasetDefinition, RecordSealing } from '../../hub/modules/records/index.js';
import type { SubjectKey } from '../../hub/privacy/key-store.js';
import type { MappingSpec } from './mapping.js';
import { type Plan, type PlanContext, planRows, sealPlan } from './plan.js';
import type { SourceRow } from './protocol.js';
import type { IndexEntry } from './record-index.js';
import type { StreamContext } from './stream-context.js';

/** A batch planned and sealed: ready for `executePlan`. */
export interface PlannedBatch {
  plan: Plan;
  keys?: ReadonlyMap<string, SubjectKey>;
}

export interface Planner {
  /** Whether planning runs beside the main thread, so the next batch can be planned while one is appended. */
  readonly parallel: boolean;
  plan(
    rows: SourceRow[],
    entries: ReadonlyMap<string, IndexEntry>,
    positions: string[],
    fetchedAt: string,
  ): Promise<PlannedBatch>;
  close(): Promise<void>;
}

function planHere(
  ctx: PlanContext,
  rows: SourceRow[],
  entries: ReadonlyMap<string, IndexEntry>,
  positions: string[],
  fetchedAt: string,
): PlannedBatch {
  const plan = planRows(ctx, rows, entries, positions, false);
  return { plan, keys: sealPlan(ctx, plan, fetchedAt) };
}

/** Plans on the calling thread. */
export function inThreadPlanner(ctx: PlanContext): Planner {
  return {
    parallel: false,
    plan: async (rows, entries, positions, fetchedAt) => planHere(ctx, rows, entries, positions, fetchedAt),
    close: async () => undefined,
  };
}

export interface PlanWorkerInit {
  stream: Pick<PlanContext, 'connector' | 'runId' | 'startedEventId' | 'system' | 'table' | 'primaryKey'> &
    Pick<PlanContext, 'softDelete'>;
  def: Omit<DatasetDefinition, 'validate'>;
  mapping: MappingSpec;
  secrets: { pseudonymSecret: Buffer; masterKey: Buffer };
  keysFile: string;
}

export interface PlanRequest {
  id: number;
  rows: SourceRow[];
  entries: IndexEntry[];
  positions: string[];
  fetchedAt: string;
}

/** A plan, or the error code of the failure (the batch is then planned again on the calling thread). */
export type PlanReply = { id: number; plan: Plan } | { id: number; failed: string };

/** What the worker needs to plan a stream's batches as `ctx` would. */
export function planWorkerInit(
  ctx: StreamContext,
  mapping: MappingSpec,
  sealing: RecordSealing,
): PlanWorkerInit {
  const { validate: _compiled, ...def } = ctx.def;
  return {
    stream: {
      connector: ctx.connector,
      runId: ctx.runId,
      startedEventId: ctx.startedEventId,
      system: ctx.system,
      table: ctx.table,
      primaryKey: ctx.primaryKey,
      softDelete: ctx.softDelete,
    },
    def,
    mapping,
    secrets: sealing.secrets!,
    keysFile: sealing.keys.file,
  };
}

/** Starts plan-worker.ts through tsx's loader, so the worker runs the same TypeScript sources. */
function startWorker(init: PlanWorkerInit): Worker {
  return startTypeScriptWorker(new URL('./plan-worker.ts', import.meta.url), init);
}

/**
 * Plans in worker threads (`threads` of them, batches dealt round-robin; the replies are awaited in
 * order by the caller). Should a worker fail on a batch (or die), that batch is planned on the
 * calling thread instead, so any error surfaces exactly as it would there.
 */
export function workerPlanner(
  ctx: PlanContext,
  init: PlanWorkerInit,
  logger: Logger,
  threads: number,
): Planner {
  const pool = Array.from({ length: Math.max(1, threads) }, () => startPlanWorker(init));
  let nextId = 0;
  return {
    parallel: true,
    async plan(rows, entries, positions, fetchedAt) {
      const id = nextId++;
      const worker = pool[id % pool.length]!;
      if (!worker.dead) {
        const reply = await worker.plan({ id, rows, entries: [...entries.values()], positions, fetchedAt });
        if ('plan' in reply) return { plan: reply.plan };
        logger.warn({ code: reply.failed }, 'planning worker failed on a batch; planning it here');
      }
      return planHere(ctx, rows, entries, positions, fetchedAt);
    },
    /** Lets each worker finish its batch and close its key store connection, then waits for it to exit. */
    async close() {
      await Promise.all(pool.map((w) => w.close()));
    },
  };
}

/** One planning worker: requests by id, every waiting request failed if it errors or exits. */
function startPlanWorker(init: PlanWorkerInit) {
  const worker = startWorker(init);
  const waiting = new Map<number, (reply: PlanReply) => void>();
  const handle = {
    dead: false,
    plan(request: PlanRequest): Promise<PlanReply> {
      return new Promise<PlanReply>((resolve) => {
        waiting.set(request.id, resolve);
        worker.postMessage(request);
      });
    },
    async close() {
      if (handle.dead) return;
      handle.dead = true;
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage('close');
      const timer = setTimeout(() => void worker.terminate(), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  const failAll = (message: string) => {
    handle.dead = true;
    for (const [id, settle] of waiting) settle({ id, failed: message });
    waiting.clear();
  };
  worker.on('message', (reply: PlanReply) => {
    waiting.get(reply.id)?.(reply);
    waiting.delete(reply.id);
  });
  worker.on('error', (e) => failAll(e.message));
  worker.on('exit', () => failAll('WORKER_EXITED'));
  return handle;
}
