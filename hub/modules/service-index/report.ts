import crypto from 'node:crypto';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import {
  type ReportIssue,
  ServiceIndexReportInvalidError,
  StreamNotFoundError,
} from '../../kernel/errors/index.js';
import type { Actor, EventStore } from '../../kernel/event-store.js';
import { deterministicId } from '../../kernel/ids.js';
import { buildMetadata } from '../../kernel/metadata.js';
import type { ReportFigures, ServiceIndexReportImportedData } from './events.js';
import { reportStream } from './events.js';
import { parsePeriod } from './periods.js';

/** Namespace of imported report event ids (UUIDv5). */
const REPORT_NAMESPACE = 'b0c7d2a4-3f1e-5a6b-9c8d-766766766766';

/** The columns of a period report file: `points:<indicator code>` columns may follow. */
const COLUMNS: Record<string, keyof ReportFigures | 'agency' | 'period'> = {
  agency: 'agency',
  period: 'period',
  carried_over: 'carriedOver',
  new: 'new',
  received: 'received',
  finished: 'finished',
  in_progress: 'inProgress',
  overdue: 'overdue',
};
const REQUIRED = ['agency', 'period', 'carried_over', 'new', 'received', 'finished', 'in_progress'];
const ORGAN_CODE = /^[0-9A-Z]{2,3}(\.[0-9A-Z]{2,3}){2,3}$/;
const INDICATOR_CODE = /^[a-z][a-z0-9-]{0,59}$/;
const MAX_ROWS = 100_000;

/**
 * Reads a period report (CSV, UTF-8, a header line): `agency,period,carried_over,new,received,
 * finished,in_progress[,overdue][,points:<indicator>…]`. Every malformed cell is reported with its
 * line and column, and then nothing is imported. Figures that do not add up are not malformed:
 * they are imported as they are and flagged by the reconciliation.
 */
export function parseReport(file: string, bytes: Buffer, source: string): ServiceIndexReportImportedData[] {
  const name = path.basename(file);
  const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
  const issues: ReportIssue[] = [];
  let records: string[][];
  try {
    records = parse(bytes, {
      bom: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: false,
    }) as string[][];
  } catch (error) {
    throw new ServiceIndexReportInvalidError(name, [
      { line: 1, column: '', message: `not CSV: ${(error as Error).message}` },
    ]);
  }
  const header = records[0] ?? [];
  for (const column of header) {
    if (!(column in COLUMNS) && !(column.startsWith('points:') && INDICATOR_CODE.test(column.slice(7)))) {
      issues.push({ line: 1, column, message: 'is not a column of a period report' });
    }
  }
  for (const column of REQUIRED)
    if (!header.includes(column)) issues.push({ line: 1, column, message: 'is missing' });
  if (records.length - 1 > MAX_ROWS)
    issues.push({ line: 1, column: '', message: `more than ${MAX_ROWS} rows` });
  if (issues.length > 0) throw new ServiceIndexReportInvalidError(name, issues);
  const seen = new Set<string>();
  const rows = records.slice(1).map((cells, i) => {
    const line = i + 2;
    const cell = (column: string) => cells[header.indexOf(column)] ?? '';
    const count = (column: string): number => {
      const text = cell(column);
      if (!/^\d{1,10}$/.test(text))
        issues.push({ line, column, message: `must be a whole number, got ${JSON.stringify(text)}` });
      return Number(text);
    };
    const agency = cell('agency');
    if (!ORGAN_CODE.test(agency))
      issues.push({ line, column: 'agency', message: `is not an organ code: ${JSON.stringify(agency)}` });
    let period = cell('period');
    try {
      period = parsePeriod(period, 'period').label;
    } catch (error) {
      issues.push({ line, column: 'period', message: (error as Error).message.replace(/^period: /, '') });
    }
    if (seen.has(`${agency}/${period}`))
      issues.push({ line, column: '', message: `a second row for ${agency} ${period}` });
    seen.add(`${agency}/${period}`);
    const points: Record<string, number> = {};
    for (const column of header.filter((c) => c.startsWith('points:'))) {
      const text = cell(column);
      if (text === '') continue;
      const value = Number(text);
      if (!Number.isFinite(value) || value < 0 || value > 100) {
        issues.push({ line, column, message: `must be points from 0 to 100, got ${JSON.stringify(text)}` });
      }
      points[column.slice(7)] = value;
    }
    const figures: ReportFigures = {
      carriedOver: count('carried_over'),
      new: count('new'),
      received: count('received'),
      finished: count('finished'),
      inProgress: count('in_progress'),
      overdue: header.includes('overdue') && cell('overdue') !== '' ? count('overdue') : null,
    };
    return { source, agency, period, figures, points, file: { name, sha256, line } };
  });
  if (issues.length > 0) throw new ServiceIndexReportInvalidError(name, issues);
  return rows;
}

const same = (a: ServiceIndexReportImportedData, b: ServiceIndexReportImportedData) =>
  JSON.stringify([a.figures, a.points]) === JSON.stringify([b.figures, b.points]);

/**
 * Appends one `ServiceIndexReportImported` per row, on the stream of its source, agency and
 * period; a row equal to what that stream last holds appends nothing (importing a file again is
 * a no-op), a changed row appends a new event after it.
 */
export async function importReport(
  store: EventStore,
  rows: readonly ServiceIndexReportImportedData[],
  options: { actor: Actor; now: Date },
): Promise<{ appended: number; unchanged: number }> {
  let appended = 0;
  const correlationId = deterministicId(REPORT_NAMESPACE, 'import', rows[0]?.file.sha256 ?? 'empty');
  for (const row of rows) {
    const stream = reportStream(row.source, row.agency, row.period);
    let existing: { revision: number; data: ServiceIndexReportImportedData } | undefined;
    try {
      const events = await store.readStream(stream);
      const last = events.at(-1);
      if (last) existing = { revision: last.revision, data: last.data as ServiceIndexReportImportedData };
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    if (existing && same(existing.data, row)) continue;
    await store.append(
      stream,
      [
        {
          id: deterministicId(REPORT_NAMESPACE, stream, row.file.sha256, row.file.line),
          type: 'ServiceIndexReportImported',
          data: row,
          metadata: buildMetadata({ occurredAt: options.now, actor: options.actor, correlationId }),
        },
      ],
      { expectedRevision: existing ? existing.revision : 'no_stream' },
    );
    appended++;
  }
  return { appended, unchanged: rows.length - appended };
}
