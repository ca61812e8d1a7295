import { SingleBar } from 'cli-progress';
import type { DatasetDefinition } from '../../hub/modules/records/index.js';
import type { Catalog, CheckResult } from '../kit/protocol.js';
import type { SyncProgress, SyncResult } from '../kit/sync.js';
import type { ConnectorStatus } from '../runtime.js';
import { foreignKey, printSuggestedJoins } from './print-joins.js';

export function printCheck(r: CheckResult): void {
  for (const c of r.checks)
    console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}${c.message ? `: ${c.message}` : ''}`);
  if (r.error) console.log(`error ${r.error.code} (${r.error.failure})`);
  console.log(`${r.system}: ${r.ok ? 'reachable' : 'not usable'} (${r.elapsedMs} ms)`);
}

export function printCatalog(catalog: Catalog): void {
  console.log(catalog.system);
  for (const s of catalog.streams) {
    console.log(
      s.kind === 'view'
        ? `\n${s.name}  (view)`
        : `\n${s.name}  (~${s.estimatedRows.toLocaleString('en')} rows)`,
    );
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

export function printSync(
  r: SyncResult,
  options: { reveal: boolean; datasets: Map<string, DatasetDefinition> },
): void {
  const personal = new Set([...options.datasets.values()].flatMap((d) => [...d.personalFields]));
  for (const p of r.preview ?? []) {
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
  const c = r.counts;
  const rate = r.durationMs > 0 ? Math.round((c.read / r.durationMs) * 1000) : c.read;
  console.log(
    `${r.dryRun ? 'dry run (nothing written)' : `run ${r.runId}`}: read ${c.read}, upserted ${c.upserted}, unchanged ${c.unchanged}, ` +
      `deleted ${c.deleted}, rejected ${c.rejected} in ${(r.durationMs / 1000).toFixed(1)} s (${rate.toLocaleString('en')} rows/s)`,
  );
  for (const s of r.states) console.log(`${r.dryRun ? 'would save' : 'saved'} state: ${JSON.stringify(s)}`);
}

export function printStatus(s: ConnectorStatus): void {
  console.log(`${s.connector} ${s.version}: ${s.running ? `running (process ${s.running.pid})` : 'idle'}`);
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

/** A progress bar with the up-front estimate, rows/s and ETA. */
export function progressBar() {
  let bar: SingleBar | undefined;
  const started = Date.now();
  return {
    update: (p: SyncProgress) => {
      if (!bar) {
        bar = new SingleBar({
          format:
            '{stream} {bar} {value}/{total} rows | {rate} rows/s | ETA {eta_formatted} | rejected {rejected}',
          hideCursor: true,
          etaBuffer: 20,
        });
        bar.start(Math.max(p.total, 1), 0, { stream: p.stream, rate: 0, rejected: 0 });
      }
      const rate = Math.round(p.done / Math.max(0.001, (Date.now() - started) / 1000));
      bar.setTotal(Math.max(p.total, p.done, 1));
      bar.update(p.done, { stream: p.stream, rate: rate.toLocaleString('en'), rejected: p.counts.rejected });
    },
    stop: () => bar?.stop(),
  };
}
