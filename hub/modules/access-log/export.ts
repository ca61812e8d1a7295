import { pipeline, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { FastifyInstance } from 'fastify';
import { requireRole } from '../../auth/index.js';
import type { Clock } from '../../kernel/clock.js';
import { AccessLogInputError } from '../../kernel/errors/index.js';
import type { Pseudonymizer } from '../../privacy/pseudonym.js';
import { FILTER_NAMES, parseFilter, recordedQuery } from './filter.js';
import type { InspectionLog } from './inspections.js';
import type { AccessLogQueries } from './queries.js';
import { entryView } from './resolvers.js';

/** The export's columns, in order (CSV header; JSON members are the same names). */
export const EXPORT_COLUMNS = [
  'id',
  'at',
  'outcome',
  'subject',
  'agency',
  'official',
  'dataset',
  'fields',
  'purpose',
  'dossier',
  'reason',
  'contractId',
  'contractVersion',
  'consentId',
  'count',
] as const;

const FORMATS = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8' } as const;
type Format = keyof typeof FORMATS;

type Entry = ReturnType<typeof entryView>;

/** A CSV record: lists joined by spaces, nulls empty. */
const csvRecord = (e: Entry) =>
  EXPORT_COLUMNS.map((c) => (c === 'fields' ? e.fields.join(' ') : (e[c] ?? '')));

async function* jsonArray(chunks: Iterable<Entry[]>): AsyncGenerator<string> {
  let first = true;
  yield '[';
  for (const chunk of chunks) {
    let text = '';
    for (const entry of chunk) {
      text += `${first ? '' : ','}\n${JSON.stringify(entry)}`;
      first = false;
    }
    yield text;
  }
  yield first ? ']' : '\n]\n';
}

async function* csvRecords(chunks: Iterable<Entry[]>): AsyncGenerator<unknown[]> {
  for (const chunk of chunks) for (const entry of chunk) yield csvRecord(entry);
}

/** CSV of the records `source` gives, a header row first; a failing source ends it with the error. */
function csv(source: Readable) {
  const out = stringify({ header: true, columns: [...EXPORT_COLUMNS] });
  pipeline(source, out, () => {});
  return out;
}

/**
 * `GET /access-log/export?format=csv|json&<filters>` (role inspector, bearer token): every entry of
 * the filtered slice as it stood when the request came, newest first, streamed as CSV (a header
 * row, `fields` space-separated) or as one JSON array. The export is recorded (`InspectionPerformed`,
 * kind `access-export`, with the number of entries) before the first byte is sent.
 */
export async function exportRoute(
  app: FastifyInstance,
  options: {
    queries: AccessLogQueries;
    inspections: InspectionLog;
    pseudonymize: Pseudonymizer;
    clock: Clock;
  },
) {
  const { queries, inspections, pseudonymize, clock } = options;
  app.get(
    '/access-log/export',
    { config: { agencyAuth: true }, preHandler: requireRole('inspector') },
    async (request, reply) => {
      const params = (request.query ?? {}) as Record<string, unknown>;
      for (const [name, value] of Object.entries(params)) {
        if (name !== 'format' && !(FILTER_NAMES as readonly string[]).includes(name)) {
          throw new AccessLogInputError(name, `is not a filter (filters: ${FILTER_NAMES.join(', ')})`);
        }
        if (typeof value !== 'string') throw new AccessLogInputError(name, 'must be given once');
      }
      const format = params.format ?? 'csv';
      if (format !== 'csv' && format !== 'json')
        throw new AccessLogInputError('format', 'must be csv or json');
      const input = params as Record<string, string>;
      const filter = parseFilter(input, pseudonymize, '');
      const upTo = queries.head();
      const count = queries.total(filter, upTo);
      await inspections.record(request.principal!, {
        kind: 'access-export',
        subject: filter.equals.subject ?? null,
        query: { ...recordedQuery(input, filter), format },
        count,
        requestId: request.id,
      });
      const chunks = (function* () {
        for (const rows of queries.slice(filter, upTo)) yield rows.map(entryView);
      })();
      const body =
        format === 'json' ? Readable.from(jsonArray(chunks)) : csv(Readable.from(csvRecords(chunks)));
      const stamp = clock().toISOString().replace(/[:.]/g, '-');
      return reply
        .header('content-type', FORMATS[format as Format])
        .header('content-disposition', `attachment; filename="access-log-${stamp}.${format}"`)
        .header('cache-control', 'no-store')
        .header('x-total-count', String(count))
        .send(body);
    },
  );
}
