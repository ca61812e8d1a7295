import type { DeadLetter, RecordView } from '../inspect.js';
import type { Conflict } from '../kit/conflicts.js';
import type { ConflictRow } from '../kit/events.js';

const keyText = (key: Record<string, string | number>) =>
  Object.entries(key)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

export const rowLabel = (r: ConflictRow) =>
  `${r.connector ? `${r.connector}/` : ''}${r.stream} ${keyText(r.sourceKey)}`;

/** A word as a POSIX shell reads it back: quoted when it holds anything but plain characters. */
const shellWord = (w: string) => (/^[\w./:=@,+%…-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);

/** A URL's password replaced by `…`, so a printed command never shows it. */
const hidePassword = (value: string) => value.replace(/^(url=[a-z]+:\/\/[^:/@]*:)[^@/]*@/i, '$1…@');

/**
 * The hub options a command was given, as arguments for the next command to run (`--data-dir`
 * always, `--config` and each `--set` when given; a URL's password shown as `…`).
 */
export function hubArgs(opts: { dataDir: string; config?: string; set?: string[] }): string {
  const args = ['--data-dir', opts.dataDir];
  if (opts.config) args.push('--config', opts.config);
  if (opts.set?.length) args.push('--set', ...opts.set.map(hidePassword));
  return args.map(shellWord).join(' ');
}

export function conflictLines(name: string, c: Conflict, hub = ''): string[] {
  const lines = [
    '',
    `conflict ${c.conflictId}  found ${c.foundAt}  run ${c.runId}`,
    `  record   ${c.dataset} ${c.recordKey}`,
    `  differs  ${c.fields.join(', ')}`,
    `  rows     ${c.rows.map(rowLabel).join('  |  ')}`,
  ];
  const r = c.resolution;
  if (r) {
    const by = r.actor.official ?? r.actor.id;
    lines.push(
      `  resolved ${r.at} by ${by}: ${r.resolution === 'release' ? 'released' : 'keep'} ${r.kept.map(rowLabel).join(', ')}${r.note ? ` (${r.note})` : ''}`,
    );
  } else {
    const key = Object.values(c.rows[0]!.sourceKey).join(',');
    lines.push(
      `  resolve  npm run connector -- resolve ${name}${hub ? ` ${hub}` : ''} --key ${c.recordKey} --keep ${key} | --release`,
    );
  }
  return lines;
}

export function deadLetterLines(
  letters: readonly DeadLetter[],
  page: { total: number; page: number; limit: number },
): string[] {
  const lines: string[] = [];
  for (const l of letters) {
    lines.push(`#${l.revision}  ${l.at}  ${l.stream} ${keyText(l.sourceKey)}  run ${l.runId}`);
    for (const i of l.issues) lines.push(`    ${i.path || '/'}  ${i.message}`);
  }
  if (page.total === 0) return ['no dead letters match'];
  const first = (page.page - 1) * page.limit + 1;
  const last = first + letters.length - 1;
  const more = last < page.total ? `; next: --page ${page.page + 1}` : '';
  lines.push(
    letters.length === 0
      ? `page ${page.page} is past the end: ${page.total} dead letter(s) match`
      : `${first}–${last} of ${page.total} dead letter(s), newest first${more}`,
  );
  return lines;
}

const csvCell = (v: string | number) => {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** One line per issue: revision, time, run, table, dataset, source key (hashed when personal), path, message. */
export function deadLetterCsv(letters: readonly DeadLetter[]): string {
  const rows = [['revision', 'at', 'runId', 'stream', 'dataset', 'sourceKey', 'path', 'message']];
  for (const l of letters)
    for (const i of l.issues)
      rows.push([
        String(l.revision),
        l.at,
        l.runId,
        l.stream,
        l.dataset,
        keyText(l.sourceKey),
        i.path,
        i.message,
      ]);
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\n')}\n`;
}

export function recordLines(
  asked: string,
  v: RecordView,
  revealed: Record<string, unknown> | undefined,
): string[] {
  const lines: string[] = [];
  if (v.source) {
    const e = v.source.entry;
    lines.push(
      `source row ${v.source.stream} ${v.source.sourceKey} → ${v.dataset} record ${e.recordKey} (index: revision ${e.revision}, version ${e.version ?? '-'}${e.deleted ? ', deleted' : ''})`,
    );
  }
  if (v.revision < 0) {
    lines.push(`${asked}: no record in the hub${v.recordKey ? ` (${v.stream} does not exist)` : ''}`);
  } else {
    lines.push(`${v.stream}  (${v.dataset}, ${v.state})`);
    lines.push(
      `  version   ${v.version ?? '-'}  (revision ${v.revision}${v.current ? `, event ${v.current.eventId}` : ''})`,
    );
    if (v.subject) lines.push(`  subject   ${v.subject}`);
    lines.push('  fields');
    const names = [...Object.keys(v.fields), ...v.sealed];
    const width = Math.max(...names.map((n) => n.length), 10) + 2;
    for (const [k, value] of Object.entries(v.fields))
      lines.push(`    ${k.padEnd(width)}${JSON.stringify(value)}`);
    for (const k of v.sealed) {
      const shown = revealed ? (k in revealed ? JSON.stringify(revealed[k]) : '(absent)') : '[sealed]';
      lines.push(`    ${k.padEnd(width)}${shown}`);
    }
    if (revealed)
      lines.push('  (shown to an operator: recorded as DataAccessedByOperator in the access log)');
    const last = v.history.at(-1);
    if (last?.position) lines.push(`  source    ${last.connector} ${last.table ?? ''} at ${last.position}`);
    lines.push('  history');
    for (const h of v.history) {
      const from = h.sourceKey ? `${h.table} ${keyText(h.sourceKey)}` : (h.table ?? '');
      lines.push(
        `    #${h.revision}  ${h.type.padEnd(21)}  ${h.version ?? '-'}  ${h.at}${h.runId ? `  run ${h.runId}` : ''}  ${from}`.trimEnd(),
      );
    }
  }
  for (const c of v.conflicts) {
    const state = c.resolution ? `resolved (${c.resolution.resolution})` : 'open: rows held';
    lines.push(
      `  conflict  ${c.conflictId} ${state}: ${c.fields.join(', ')} differ between ${c.rows.map(rowLabel).join(' and ')}`,
    );
  }
  return lines;
}
