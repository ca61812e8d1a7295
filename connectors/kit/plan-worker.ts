/**
 * Worker thread planning batches for `workerPlanner`: maps, validates, versions and pseudonymises
 * rows, creates missing subject keys durably (its own connection to the key store), then seals and
 * builds the record events. The main thread appends them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { HubError } from '../../hub/kernel/errors/index.js';
import { type DatasetDefinition, datasetAjv, sealingFor } from '../../hub/modules/records/index.js';
import { compileMapping } from './mapping.js';
import { type PlanContext, planRows, sealPlan } from './plan.js';
import type { PlanReply, PlanRequest, PlanWorkerInit } from './planner.js';
import type { SourceRow } from './protocol.js';

const init = workerData as PlanWorkerInit;
const port = parentPort!;
const sealing = sealingFor(init.secrets, init.keysFile);
const def: DatasetDefinition = { ...init.def, validate: datasetAjv().compile(init.def.schema) };
const ctx: PlanContext = {
  ...init.stream,
  def,
  mapper: compileMapping(init.mapping, def, sealing.versionKey),
  sealing,
};

/** Structured cloning turns Buffers into Uint8Arrays: give the mapping what a driver gives it. */
function asDriverRow(row: SourceRow): SourceRow {
  for (const k in row) {
    const v = row[k];
    if (v instanceof Uint8Array && !Buffer.isBuffer(v))
      row[k] = Buffer.from(v.buffer, v.byteOffset, v.length);
  }
  return row;
}

port.on('message', (req: PlanRequest | 'close') => {
  if (req === 'close') {
    sealing.keys.close();
    port.close();
    return;
  }
  let reply: PlanReply;
  try {
    const entries = new Map(req.entries.map((e) => [e.sourceKey, e]));
    const plan = planRows(ctx, req.rows.map(asDriverRow), entries, req.positions, false);
    sealPlan(ctx, plan, req.fetchedAt);
    for (const p of plan.upserts) delete p.record;
    reply = { id: req.id, plan };
  } catch (e) {
    reply = { id: req.id, failed: (e as HubError).code ?? 'INTERNAL' };
  }
  port.postMessage(reply);
});
