import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENCIES, API_PROJECTIONS, startTestHub, type TestHub } from '../../testing/hub.js';
import type { InspectionPerformedData } from './events.js';
import { EXPORT_COLUMNS } from './export.js';
import { accessLogProjection } from './projection.js';
import type { entryView } from './resolvers.js';

let hub: TestHub;
let inspector: string;
let consumer: string;

const BIRTH = 'tthc-1.001193';
const RESIDENCE = 'tthc-1.004222';
const pid = (i: number) => hub.citizens[i]!.personalId as string;

/** An entry as the search and the export answer it. */
type Entry = ReturnType<typeof entryView>;

/** The filtered slice through the GraphQL search, page by page (what the export must equal). */
async function searched(filter: Record<string, unknown>): Promise<Entry[]> {
  const out: Entry[] = [];
  let after: string | null = null;
  do {
    const res = await hub.gql(
      inspector,
      `query($f: AccessLogFilter, $a: String) { accessLogSearch(filter: $f, first: 7, after: $a) {
         entries { ${EXPORT_COLUMNS.join(' ')} } nextCursor } }`,
      { f: filter, a: after },
    );
    expect(res.errors).toBeUndefined();
    const page = res.data!.accessLogSearch as { entries: Entry[]; nextCursor: string | null };
    out.push(...page.entries);
    after = page.nextCursor;
  } while (after);
  return out;
}

const exportOf = (query: string, token: string | null = inspector) =>
  hub.app.inject({
    method: 'GET',
    url: `/access-log/export?${query}`,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

beforeAll(async () => {
  hub = await startTestHub({ citizens: 12, projections: [...API_PROJECTIONS, accessLogProjection] });
  inspector = await hub.token(AGENCIES.inspector, 'inspector', { official: 'tt-9' });
  consumer = await hub.token(AGENCIES.baDinh, 'consumer', { official: 'cb-1' });
  const police = await hub.token(AGENCIES.baDinhPolice, 'consumer', { official: 'ca-1' });
  for (let i = 0; i < 12; i++) {
    const read = (token: string, purpose: string, fields: string) =>
      hub.gql(token, `{ person(personalId: "${pid(i)}", purpose: "${purpose}") { ${fields} } }`);
    expect((await read(consumer, BIRTH, 'fullName, dateOfBirth')).errors).toBeUndefined();
    if (i % 3 === 0) expect((await read(police, RESIDENCE, 'fullName')).errors).toBeUndefined();
    if (i % 4 === 0)
      expect((await read(consumer, BIRTH, 'household { householdId }')).errors).toHaveLength(1);
  }
  await hub.settle();
}, 120_000);
afterAll(async () => hub?.close());

describe('GET /access-log/export', () => {
  it('sends exactly the filtered slice as CSV, the same entries the search pages through', async () => {
    for (const [query, filter] of [
      ['format=csv', {}],
      [
        `format=csv&agency=${AGENCIES.baDinh}&outcome=RELEASED`,
        { agency: AGENCIES.baDinh, outcome: 'RELEASED' },
      ],
      [`personalId=${pid(4)}`, { personalId: pid(4) }],
      [
        `outcome=DENIED&official=cb-1&to=2100-01-01T00:00:00Z`,
        { outcome: 'DENIED', official: 'cb-1', to: '2100-01-01T00:00:00Z' },
      ],
    ] as [string, Record<string, string>][]) {
      await hub.settle();
      const expected = await searched(filter);
      const res = await exportOf(query);
      expect(res.statusCode, query).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="access-log-.+\.csv"$/);
      const rows = parse(res.body, { columns: true }) as Record<string, string>[];
      expect(Object.keys(rows[0] ?? Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, ''])))).toEqual([
        ...EXPORT_COLUMNS,
      ]);
      // entries recorded since the search (the searches themselves) come first, newest first
      const since = rows.length - expected.length;
      expect(since, query).toBeGreaterThanOrEqual(0);
      for (const row of rows.slice(0, since)) expect(row.outcome).toBe('INSPECTION');
      expect(
        rows.slice(since).map((r) => ({
          ...r,
          fields: r.fields ? r.fields.split(' ') : [],
          contractVersion: r.contractVersion === '' ? null : Number(r.contractVersion),
          count: Number(r.count),
        })),
        query,
      ).toEqual(
        expected.map((e) =>
          Object.fromEntries(
            EXPORT_COLUMNS.map((c) => [c, e[c] === null ? (c === 'contractVersion' ? null : '') : e[c]]),
          ),
        ),
      );
      expect(Number(res.headers['x-total-count'])).toBe(rows.length);
    }
  });

  it('sends the same slice as one JSON array', async () => {
    await hub.settle();
    const filter = { agency: AGENCIES.baDinh, dataset: 'population' };
    const expected = await searched(filter);
    const res = await exportOf(`format=json&agency=${AGENCIES.baDinh}&dataset=population`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json()).toEqual(expected);
    const empty = await exportOf(`format=json&agency=${AGENCIES.hanoi}`);
    expect(empty.json()).toEqual([]);
  });

  it('records the export with its filters and count before sending it', async () => {
    const stream = `inspection-${AGENCIES.inspector}`;
    const before = (await hub.raw.readStream(stream)).length;
    const res = await exportOf(`format=csv&personalId=${pid(0)}&outcome=RELEASED`);
    const rows = parse(res.body, { columns: true }) as unknown[];
    const events = await hub.raw.readStream(stream);
    expect(events).toHaveLength(before + 1);
    const subject = hub.pseudonymize('citizen', pid(0));
    expect(events.at(-1)!.data as InspectionPerformedData).toMatchObject({
      caller: { agency: AGENCIES.inspector, official: 'tt-9', role: 'inspector' },
      kind: 'access-export',
      subject,
      query: { subject, outcome: 'RELEASED', format: 'csv' },
      count: rows.length,
      requestId: res.headers['x-request-id'],
    });
    expect(JSON.stringify(events.at(-1)!.data)).not.toContain(pid(0));
  });

  it('refuses bad filters naming the parameter, and callers that are not inspectors', async () => {
    const stream = `inspection-${AGENCIES.inspector}`;
    const before = (await hub.raw.readStream(stream)).length;
    for (const [query, field] of [
      ['format=xml', 'format'],
      ['personalId=123', 'personalId'],
      ['agency=x', 'agency'],
      ['from=2026-01-01', 'from'],
      ['outcome=released', 'outcome'],
      ['subject=abc', 'subject'],
      ['agency=000.04.01.H26&agency=000.00.00.H26', 'agency'],
    ]) {
      const res = await exportOf(query!);
      expect(res.statusCode, query).toBe(400);
      expect(res.json(), query).toMatchObject({ code: 'ACCESS_LOG_INVALID_INPUT', details: { field } });
    }
    const none = await exportOf('format=csv', null);
    expect(none.statusCode).toBe(401);
    expect(none.json().code).toBe('AUTH_UNAUTHENTICATED');
    const refused = await exportOf('format=csv', consumer);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('AUTH_FORBIDDEN');
    expect((await hub.raw.readStream(stream)).length).toBe(before);
  });
});
