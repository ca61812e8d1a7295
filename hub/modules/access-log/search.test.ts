import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENCIES, API_PROJECTIONS, startTestHub, type TestHub } from '../../testing/hub.js';
import type { InspectionPerformedData } from './events.js';
import { parseFilter } from './filter.js';
import { accessLogProjection } from './projection.js';
import { AccessLogQueries } from './queries.js';
import type { entryView } from './resolvers.js';

let hub: TestHub;
let inspector: string;
/** Tokens of callers who may not search (minted before the API clock is set back: tokens keep real time). */
let others: string[];

const BIRTH = 'tthc-1.001193';
const RESIDENCE = 'tthc-1.004222';
const pid = (i: number) => hub.citizens[i]!.personalId as string;
const codes = (res: { errors?: { extensions: { code: string } }[] }) =>
  res.errors?.map((e) => e.extensions.code);

/** An entry as the search and the export answer it. */
type Entry = ReturnType<typeof entryView>;

const ENTRY = 'id outcome at subject agency official dataset purpose fields reason count';

async function search(
  filter: Record<string, unknown>,
  first?: number,
  after?: string | null,
  token = inspector,
) {
  return hub.gql(
    token,
    `query($f: AccessLogFilter, $n: Int, $a: String) {
       accessLogSearch(filter: $f, first: $n, after: $a) { entries { ${ENTRY} } nextCursor total } }`,
    { f: filter, n: first, a: after },
  );
}

type Page = { entries: Entry[]; nextCursor: string | null; total: number };
const pageOf = (res: Awaited<ReturnType<typeof search>>) => {
  expect(res.errors).toBeUndefined();
  return res.data!.accessLogSearch as Page;
};

/** Every entry matching `filter`, page by page. */
async function all(
  filter: Record<string, unknown>,
  first: number,
): Promise<{ entries: Entry[]; pages: number }> {
  const entries: Entry[] = [];
  let after: string | null = null;
  let pages = 0;
  do {
    const page = pageOf(await search(filter, first, after));
    entries.push(...page.entries);
    after = page.nextCursor;
    pages++;
  } while (after);
  return { entries, pages };
}

/** The store's access events, as the log's entries should be (the truth the read model is checked against). */
async function storedEntries() {
  const events = await hub.raw.readAll({ maxCount: 100_000 });
  return events.filter((e) =>
    ['DataAccessed', 'DataAccessDenied', 'AccessRateLimited', 'InspectionPerformed'].includes(e.type),
  );
}

beforeAll(async () => {
  hub = await startTestHub({ citizens: 8, projections: [...API_PROJECTIONS, accessLogProjection] });
  inspector = await hub.token(AGENCIES.inspector, 'inspector', { official: 'tt-1' });
  others = [
    await hub.token(AGENCIES.baDinh, 'consumer'),
    await hub.token(AGENCIES.portal, 'citizen-portal', { citizenPid: hub.citizens[0]!.personalId as string }),
    await hub.token('000.06.00.G08', 'provider'),
  ];
  const baDinh = await hub.token(AGENCIES.baDinh, 'consumer', { official: 'cb-1' });
  const baDinh2 = await hub.token(AGENCIES.baDinh, 'consumer', { official: 'cb-2' });
  const police = await hub.token(AGENCIES.baDinhPolice, 'consumer', { official: 'ca-1' });
  const hanoi = await hub.token(AGENCIES.hanoi, 'consumer', { official: 'hn-1' });
  const person = (token: string, i: number, purpose: string, fields = 'fullName') =>
    hub.gql(token, `{ person(personalId: "${pid(i)}", purpose: "${purpose}") { ${fields} } }`);
  // releases under three contracts, by three agencies and four officials, about six citizens
  for (let i = 0; i < 6; i++) {
    hub.setNow(new Date(Date.UTC(2026, 2, 1 + i, 3)));
    expect((await person(baDinh, i, BIRTH)).errors).toBeUndefined();
    if (i % 2 === 0)
      expect((await person(baDinh2, i, RESIDENCE, 'fullName dateOfBirth')).errors).toBeUndefined();
    if (i < 3) expect((await person(police, i, RESIDENCE)).errors).toBeUndefined();
  }
  // refusals: a field outside the contract, consent required
  hub.setNow(new Date(Date.UTC(2026, 2, 10, 3)));
  expect(codes(await person(baDinh, 1, BIRTH, 'household { householdId }'))).toEqual([
    'FIELD_NOT_IN_CONTRACT',
  ]);
  expect(codes(await person(hanoi, 2, 'social-assistance'))).toEqual(['CONSENT_REQUIRED']);
  hub.setNow(new Date(Date.UTC(2026, 2, 11, 3)));
  await hub.settle();
}, 120_000);
afterAll(async () => hub?.close());

describe('accessLogSearch', () => {
  it('lists the whole log newest first, each access once, the same entries the store holds', async () => {
    const before = await storedEntries();
    const { entries } = await all({}, 1000);
    expect(entries.map((e) => e.id).sort()).toEqual(before.map((e) => e.id).sort());
    const times = entries.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const released = entries.filter((e) => e.outcome === 'RELEASED');
    expect(released).toHaveLength(6 + 3 + 3);
    expect(
      entries
        .filter((e) => e.outcome === 'DENIED')
        .map((e) => e.reason)
        .sort(),
    ).toEqual(['CONSENT_REQUIRED', 'FIELD_NOT_IN_CONTRACT']);
  });

  it('combines filters: every entry returned matches all of them, and none matching is left out', async () => {
    const subject = hub.pseudonymize('citizen', pid(2));
    const cases: [Record<string, unknown>, (e: Entry) => boolean][] = [
      [{ personalId: pid(2) }, (e) => e.subject === subject],
      [{ agency: AGENCIES.baDinh }, (e) => e.agency === AGENCIES.baDinh],
      [
        { agency: AGENCIES.baDinh, official: 'cb-2' },
        (e) => e.agency === AGENCIES.baDinh && e.official === 'cb-2',
      ],
      [{ purpose: RESIDENCE, personalId: pid(2) }, (e) => e.purpose === RESIDENCE && e.subject === subject],
      [
        { purpose: RESIDENCE, agency: AGENCIES.baDinhPolice },
        (e) => e.purpose === RESIDENCE && e.agency === AGENCIES.baDinhPolice,
      ],
      [{ outcome: 'DENIED' }, (e) => e.outcome === 'DENIED'],
      [
        { outcome: 'RELEASED', dataset: 'population', official: 'ca-1' },
        (e) => e.outcome === 'RELEASED' && e.official === 'ca-1',
      ],
      [
        { from: '2026-03-02T00:00:00Z', to: '2026-03-04T00:00:00Z', agency: AGENCIES.baDinh },
        (e) => e.agency === AGENCIES.baDinh && e.at >= '2026-03-02' && e.at < '2026-03-04',
      ],
      [
        { from: '2026-03-05T10:00:00+07:00', to: '2026-03-10T12:00:00Z' },
        (e) => Date.parse(e.at) >= Date.parse('2026-03-05T03:00:00Z') && e.at < '2026-03-10T12',
      ],
      [{ agency: AGENCIES.hanoi, outcome: 'RELEASED' }, () => false],
    ];
    for (const [filter, match] of cases) {
      await hub.settle();
      const everything = (await all({}, 1000)).entries;
      const expected = everything.filter(match).map((e) => e.id);
      const first = pageOf(await search(filter, 2));
      expect(first.total, JSON.stringify(filter)).toBe(expected.length);
      const { entries } = await all(filter, 2);
      expect(
        entries.filter((e) => everything.some((x) => x.id === e.id)).map((e) => e.id),
        JSON.stringify(filter),
      ).toEqual(expected);
      // what is not in `everything` is this case's own searches, recorded after it was read
      for (const e of entries.filter((x) => !everything.some((y) => y.id === x.id))) {
        expect(e).toMatchObject({ outcome: 'INSPECTION', subject });
      }
    }
    // police read three citizens for residence
    const police = (await all({ agency: AGENCIES.baDinhPolice }, 1000)).entries;
    expect(police.map((e) => e.subject).sort()).toEqual(
      [0, 1, 2].map((i) => hub.pseudonymize('citizen', pid(i))).sort(),
    );
  });

  it('pages visit every entry exactly once, whatever the page size', async () => {
    await hub.settle();
    const reference = (await all({ outcome: 'RELEASED' }, 1000)).entries.map((e) => e.id);
    for (const size of [1, 2, 5, 11]) {
      const { entries, pages } = await all({ outcome: 'RELEASED' }, size);
      expect(entries.map((e) => e.id)).toEqual(reference);
      expect(new Set(entries.map((e) => e.id)).size).toBe(reference.length);
      expect(pages).toBe(Math.max(1, Math.ceil(reference.length / size)));
    }
  });

  it('reads a slice up to a position in chunks, each entry once, none above the position', async () => {
    await hub.settle();
    const queries = new AccessLogQueries(hub.db);
    for (const input of [{}, { agency: AGENCIES.baDinh }, { personalId: pid(0), outcome: 'RELEASED' }]) {
      const filter = parseFilter(input, hub.pseudonymize);
      const head = queries.head();
      const whole = queries.page(filter, 1000, null);
      const upTo = whole.length > 2 ? whole[1]!.seq : head;
      const expected = whole.filter((e) => e.seq <= upTo).map((e) => e.id);
      for (const chunk of [1, 2, 3, 1000]) {
        const sliced = [...queries.slice(filter, upTo, chunk)].flat().map((e) => e.id);
        expect(sliced, `${JSON.stringify(input)} by ${chunk}`).toEqual(expected);
      }
      expect(queries.total(filter, upTo)).toBe(expected.length);
    }
  });

  it('records each search as InspectionPerformed before answering, and the search is then an entry of the log', async () => {
    const stream = `inspection-${AGENCIES.inspector}`;
    const before = (await hub.raw.readStream(stream).catch(() => [])).length;
    const page = pageOf(await search({ personalId: pid(3), outcome: 'RELEASED' }, 1));
    const after = await hub.raw.readStream(stream);
    expect(after).toHaveLength(before + 1);
    const recorded = after.at(-1)!.data as InspectionPerformedData;
    const subject = hub.pseudonymize('citizen', pid(3));
    expect(recorded).toMatchObject({
      caller: { agency: AGENCIES.inspector, official: 'tt-1', role: 'inspector' },
      kind: 'access-log',
      subject,
      query: { subject, outcome: 'RELEASED', first: 1 },
      count: page.entries.length,
    });
    expect(JSON.stringify(recorded)).not.toContain(pid(3));
    await hub.settle();
    const reads = pageOf(await search({ personalId: pid(3), outcome: 'INSPECTION' }));
    expect(reads.entries[0]).toMatchObject({
      id: after.at(-1)!.id,
      outcome: 'INSPECTION',
      subject,
      agency: AGENCIES.inspector,
      official: 'tt-1',
      purpose: 'inspection',
      dataset: 'access-log',
    });
  });

  it('refuses a bad filter, page size or cursor as BAD_USER_INPUT naming the argument, and records nothing', async () => {
    const stream = `inspection-${AGENCIES.inspector}`;
    const before = (await hub.raw.readStream(stream).catch(() => [])).length;
    const refused = async (
      filter: Record<string, unknown>,
      field: string,
      first?: number,
      after?: string,
    ) => {
      const res = await search(filter, first, after);
      expect(codes(res), field).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0]!.extensions.field, field).toBe(field);
    };
    await refused({ personalId: '12345' }, 'filter.personalId');
    await refused({ agency: 'Ba Dinh' }, 'filter.agency');
    await refused({ official: '' }, 'filter.official');
    await refused({ dataset: 'Population!' }, 'filter.dataset');
    await refused({ from: 'yesterday' }, 'filter.from');
    await refused({ from: '2026-03-01' }, 'filter.from');
    await refused({ from: '2026-03-05T00:00:00Z', to: '2026-03-01T00:00:00Z' }, 'filter.to');
    await refused({}, 'first', 0);
    await refused({}, 'first', 1001);
    await refused({}, 'after', 1, 'not-a-cursor');
    const other = pageOf(await search({ outcome: 'RELEASED' }, 1)).nextCursor!;
    const stored = (await hub.raw.readStream(stream)).length;
    await refused({ outcome: 'DENIED' }, 'after', 1, other);
    expect((await hub.raw.readStream(stream)).length).toBe(stored);
    expect(stored).toBe(before + 1);
    const unknown = await search({ outcome: 'MAYBE' });
    expect(codes(unknown)).toEqual(['BAD_USER_INPUT']);
  });

  it('answers only inspectors', async () => {
    for (const token of others) expect(codes(await search({}, 1, null, token))).toEqual(['FORBIDDEN']);
    expect(codes(await hub.gql(null, '{ accessLogSearch { total } }'))).toEqual(['UNAUTHENTICATED']);
  });

  it('keeps the citizen-by-citizen accessLog working', async () => {
    const res = await hub.gql(inspector, `{ accessLog(personalId: "${pid(1)}") { outcome purpose reason } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data!.accessLog).toEqual([
      { outcome: 'RELEASED', purpose: BIRTH, reason: null },
      { outcome: 'RELEASED', purpose: RESIDENCE, reason: null },
      { outcome: 'DENIED', purpose: BIRTH, reason: 'FIELD_NOT_IN_CONTRACT' },
    ]);
  });
});
