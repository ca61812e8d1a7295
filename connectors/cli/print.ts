import type { DatasetDefinition } from '../../hub/modules/records/index.js';
import type { RunCounts } from '../kit/events.js';
import type { Catalog, CheckResult } from '../kit/protocol.js';
import type { SyncResult } from '../kit/sync.js';
import type { ConnectorStatus, SyncSummary } from '../runtime.js';
import { foreignKey, printSuggestedJoins } from './print-joins.js';

export function printCheck(r: CheckResult): void {
  for (const c of r.checks) {
    const detail = c.warning ?? c.message;
    console.log(`${c.warning ? 'warn' : c.ok ? 'ok  ' : 'FAIL'} ${c.name}${detail ? `: ${detail}` : ''}`);
  }
  if (r.error) console.log(`error ${r.error.code} (${r.error.failure})`);
  console.log(`${r.system}: ${r.ok ? 'reachable' : 'not usable'} (${r.elapsedMs} ms)`);
}

export function printCatalog(catalog: Catalog): void {
  console.log(catalog.system);
  for (const s of catalog.streams) {
    const rows = s.estimatedRows.toLocaleString('en');
    const count =
      s.kind === 'view'
        ? 'view'
        : s.rowsFrom === 'statistics'
          ? `~${rows} rows, from statistics`
          : s.rowsFrom === 'at-least'
            ? `at least ${rows} rows: no statistics, counting stopped there`
            : `${rows} rows, counted: no statistics`;
    console.log(`\n${s.name}  (${count})`);
    for (const c of s.columns)
      console.log(`  ${c.name.padEnd(22)} ${c.type}${c.nullable ? '' : ' NOT NULL'}`);
    console.log(
      `  primary key candidates: ${s.primaryKeyCandidates.map((k) => k.join('+')).join(', ') || '(none)'}`,
    );
    console.log(`  cursor candidates:      ${s.cursorCandidates.join(', ') || '(none: use full_refresh)'}`);
    if (s.softDeleteCandidates.length > 0)
      console.log(`  soft-delete candidates: ${s.softDeleteCandidates.join(', ')}`);
    for (const fk of s.foreignKeys ?? []) console.log(`  foreign key:            ${foreignKey(fk)}`);
  }
  printSuggestedJoins(catalog.suggestedJoins ?? []);
}

const mask = (v: unknown): unknown =>
  typeof v === 'string'
    ? `${v.slice(0, 1)}${'•'.repeat(Math.max(0, v.length - 1))}`
    : v && typeof v === 'object'
      ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mask(x)]))
      : v;

const counted = (c: RunCounts) =>
  `read ${c.read}${c.reread ? ` (${c.reread} again by the look-back)` : ''}, upserted ${c.upserted}, unchanged ${c.unchanged}, deleted ${c.deleted}, rejected ${c.rejected}` +
  `${c.rejectedAgain ? `, rejected again ${c.rejectedAgain}` : ''}${c.quarantined ? `, quarantined ${c.quarantined}` : ''}`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const perSecond = (read: number, ms: number) =>
  `${(ms > 0 ? Math.round((read / ms) * 1000) : read).toLocaleString('en')} rows/s`;

/**
 * The result of `sync` in words. A sync that took several runs (transient failures retried) is
 * summed over all of them, then each run is listed with its outcome and counts.
 */
export function summaryLines(r: SyncResult | SyncSummary): string[] {
  const attempts = 'attempts' in r ? r.attempts : [];
  if (attempts.length <= 1) {
    const head = r.dryRun ? 'dry run (nothing written)' : `run ${r.runId}`;
    return [
      `${head}: ${counted(r.counts)} in ${seconds(r.durationMs)} (${perSecond(r.counts.read, r.durationMs)})`,
    ];
  }
  const s = r as SyncSummary;
  const retries = attempts.length - 1;
  return [
    `sync in ${attempts.length} runs (${retries} ${retries === 1 ? 'retry' : 'retries'} after a transient source failure): ` +
      `${counted(s.total)} in ${seconds(s.elapsedMs)} (${perSecond(s.total.read, s.elapsedMs)})`,
    ...attempts.map(
      (a) =>
        `  run ${a.runId} ${a.outcome}${a.error ? ` (${a.error.code})` : ''}: ${counted(a.counts)} in ${seconds(a.durationMs)}`,
    ),
  ];
}

export function printSync(
  r: SyncResult | SyncSummary,
  options: { reveal: boolean; datasets: Map<string, DatasetDefinition>; quiet?: boolean },
): void {
  const personal = new Set([...options.datasets.values()].flatMap((d) => [...d.personalFields]));
  for (const p of r.preview ?? []) {
    if (options.quiet && p.action !== 'reject') continue;
    const record = p.record
      ? Object.fromEntries(
          Object.entries(p.record).map(([k, v]) => [k, options.reveal || !personal.has(k) ? v : mask(v)]),
        )
      : undefined;
    const issues = p.issues?.map((i) => `${i.path} ${i.message}`).join('; ');
    console.log(
      `${p.action.padEnd(9)} key ${p.sourceKey}${record ? ` ${JSON.stringify(record)}` : ''}${issues ? `  ${issues}` : ''}`,
    );
  }
  for (const line of summaryLines(r)) console.log(line);
  for (const s of r.states) console.log(`${r.dryRun ? 'would save' : 'saved'} state: ${JSON.stringify(s)}`);
}

export function printStatus(s: ConnectorStatus): void {
  const r = s.running;
  console.log(
    `${s.connector} ${s.version}: ${r ? `running (process ${r.pid} on ${r.host}, since ${r.startedAt}, last heartbeat ${r.heartbeatAt})` : 'idle'}`,
  );
  if (s.staleLock) {
    const l = s.staleLock;
    console.log(
      `  stale lock of process ${l.pid} on ${l.host} (${l.reason}, last heartbeat ${l.heartbeatAt}): not running; the next run takes it over`,
    );
  }
  if (s.lastRun) {
    const end = s.lastRun.events.at(-1)!;
    console.log(
      `last run ${s.lastRun.runId}: ${s.lastRun.outcome} at ${end.recordedAt} (${s.lastRun.events.length} events)`,
    );
    const data = end.data as { counts?: object; error?: { code: string; message: string } };
    if (data.counts) console.log(`  counts: ${JSON.stringify(data.counts)}`);
    if (data.error) console.log(`  error ${data.error.code}: ${data.error.message}`);
  } else console.log('never run');
  for (const st of s.states) console.log(`checkpoint ${st.stream}: ${JSON.stringify(st)}`);
  console.log(`record index: ${s.index.entries} source rows (${s.index.deleted} deleted)`);
}
