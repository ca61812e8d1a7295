import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceIndexReportInvalidError } from '../../kernel/errors/index.js';
import { AGENCIES, API_PROJECTIONS, startTestHub, type TestHub } from '../../testing/hub.js';
import { defaultMethods, serviceIndexProjection } from './projection.js';
import { importReport, parseReport } from './report.js';
import { History } from './spec-history.js';

let hub: TestHub;
const P = '1.000656'; // the demo catalogue's death registration: a paper result is required
const at = (d: string, hour = 3) => `2026-03-${d}T${String(hour).padStart(2, '0')}:00:00.000Z`;
const idOf = (agency: string, n: number) => `${agency}-260302-000${n}`;

beforeAll(async () => {
  hub = await startTestHub({
    citizens: 1,
    projections: [...API_PROJECTIONS, serviceIndexProjection(defaultMethods())],
  });
  const h = new History();
  const { baDinh, ngocHa } = AGENCIES;
  // Ba Đình: one on time (online, e-result), one due 03-28 and one due 03-30 still open
  h.dossier(idOf(baDinh, 1))
    .submit(at('02'), { agency: baDinh, channel: 'online', procedure: P, typed: 2, prefilled: 2 })
    .receive(at('02', 4), at('06', 10))
    .result(at('05'), { electronic: true, paper: true });
  h.dossier(idOf(baDinh, 2))
    .submit(at('20'), { agency: baDinh, channel: 'desk', procedure: P })
    .receive(at('20', 4), at('28', 10));
  h.dossier(idOf(baDinh, 3))
    .submit(at('21'), { agency: baDinh, channel: 'desk', procedure: P })
    .receive(at('21', 4), at('30', 10));
  // Ngọc Hà: one online dossier without an electronic result (paper required): not online
  h.dossier(idOf(ngocHa, 1))
    .submit(at('02'), { agency: ngocHa, channel: 'online', procedure: P })
    .receive(at('02', 4), at('09', 10))
    .result(at('04'), { electronic: false, paper: true });
  for (const [stream, events] of h.byStream())
    await hub.store.append(stream, events, { expectedRevision: 'no_stream' });
  await hub.settle();
}, 60_000);
afterAll(async () => hub?.close());

const INDEX = `query($period: String!, $scope: ServiceIndexScope) {
  serviceIndex(period: $period, scope: $scope) {
    method { id } period scope hierarchyOn score measuredPoints
    figures { carriedOver new received finished inProgress overdue }
    groups { code score indicators { code numerator denominator score } }
  }
}`;
const DOSSIERS = `query($period: String!, $scope: ServiceIndexScope, $indicator: String, $part: ServiceIndexPart, $figure: ServiceIndexFigure, $first: Int, $after: String) {
  serviceIndexDossiers(period: $period, scope: $scope, indicator: $indicator, part: $part, figure: $figure, first: $first, after: $after) {
    total edges { dossierId agency value } pageInfo { hasNextPage endCursor }
  }
}`;
type Index = {
  figures: Record<string, number>;
  scope: string;
  groups: { code: string; indicators: { code: string; numerator: number; denominator: number }[] }[];
};
const indexOf = (res: Awaited<ReturnType<TestHub['gql']>>) => res.data!.serviceIndex as Index;
const indicatorOf = (i: Index, code: string) =>
  i.groups.flatMap((g) => g.indicators).find((x) => x.code === code)!;

describe('GraphQL: the service index', () => {
  it('flags overdue dossiers as the clock passes their deadline, with no event', async () => {
    const token = await hub.token(AGENCIES.baDinh, 'consumer');
    const overdue = async () => indexOf(await hub.gql(token, INDEX, { period: '2026-03' })).figures.overdue;
    hub.setNow(new Date(at('27')));
    hub.app.serviceIndex.tick();
    expect(await overdue()).toBe(0);
    hub.setNow(new Date(at('29')));
    expect(await overdue()).toBe(0); // nothing re-judged until the ticker runs
    hub.app.serviceIndex.tick();
    expect(await overdue()).toBe(1);
    hub.setNow(new Date(at('31')));
    hub.app.serviceIndex.tick();
    expect(await overdue()).toBe(2);
    const listed = await hub.gql(token, DOSSIERS, { period: '2026-03', figure: 'OVERDUE' });
    expect(
      (listed.data!.serviceIndexDossiers as { edges: { dossierId: string }[] }).edges.map((e) => e.dossierId),
    ).toEqual([idOf(AGENCIES.baDinh, 2), idOf(AGENCIES.baDinh, 3)]);
  });

  it('gives an agency its own figures and refuses it anyone else’s', async () => {
    const token = await hub.token(AGENCIES.baDinh, 'consumer');
    const own = indexOf(await hub.gql(token, INDEX, { period: '2026-03' }));
    expect(own.scope).toBe(`agency:${AGENCIES.baDinh}`);
    expect(own.figures).toMatchObject({ new: 3, received: 3, finished: 1, inProgress: 2 });
    const other = await hub.gql(token, INDEX, { period: '2026-03', scope: { agency: AGENCIES.ngocHa } });
    expect(other.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const province = await hub.gql(token, INDEX, { period: '2026-03', scope: { province: AGENCIES.hanoi } });
    expect(province.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const citizenPortal = await hub.gql(
      await hub.token(AGENCIES.portal, 'citizen-portal', {
        citizenPid: hub.citizens[0]!.personalId as string,
      }),
      INDEX,
      { period: '2026-03' },
    );
    expect(citizenPortal.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });

  it('lets an inspector sum a province, a level or everything with the hierarchy in force', async () => {
    const token = await hub.token(AGENCIES.inspector, 'inspector');
    const province = indexOf(
      await hub.gql(token, INDEX, { period: '2026-03', scope: { province: AGENCIES.hanoi } }),
    );
    expect(province.figures.new).toBe(4);
    expect(indicatorOf(province, 'online-dossiers')).toMatchObject({ numerator: 1, denominator: 4 });
    const communes = indexOf(await hub.gql(token, INDEX, { period: '2026-03', scope: { level: 'commune' } }));
    expect(communes.figures.new).toBe(4);
    const central = indexOf(await hub.gql(token, INDEX, { period: '2026-03', scope: { level: 'central' } }));
    expect(central.figures.new).toBe(0);
    const unknown = await hub.gql(token, INDEX, { period: '2026-03', scope: { level: 'village' } });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'scope.level' });
    const badPeriod = await hub.gql(token, INDEX, { period: '2026-13' });
    expect(badPeriod.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'period' });
    const noMethod = await hub.gql(token, INDEX, { period: '2021-01' });
    expect(noMethod.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('answers a group, an indicator, a paged drill-down and its CSV', async () => {
    const token = await hub.token(AGENCIES.inspector, 'inspector');
    const group = await hub.gql(
      token,
      `{ serviceIndexGroup(period: "2026-03", group: "online") { code points indicators { code } } }`,
    );
    expect(group.data!.serviceIndexGroup).toMatchObject({ code: 'online', points: 22 });
    const ind = await hub.gql(
      token,
      `{ serviceIndexIndicator(period: "2026-03", indicator: "on-time") { numerator denominator numeratorDefinition sources } }`,
    );
    expect(ind.data!.serviceIndexIndicator).toMatchObject({
      numerator: 2,
      denominator: 4,
      numeratorDefinition: 'count received dossiers where not overdue',
    });
    const unknown = await hub.gql(
      token,
      `{ serviceIndexIndicator(period: "2026-03", indicator: "speed") { code } }`,
    );
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'indicator' });
    const page1 = await hub.gql(token, DOSSIERS, {
      period: '2026-03',
      indicator: 'on-time',
      part: 'DENOMINATOR',
      first: 3,
    });
    const p1 = page1.data!.serviceIndexDossiers as {
      total: number;
      edges: { dossierId: string }[];
      pageInfo: { hasNextPage: boolean; endCursor: string };
    };
    expect([p1.total, p1.edges.length, p1.pageInfo.hasNextPage]).toEqual([4, 3, true]);
    const page2 = await hub.gql(token, DOSSIERS, {
      period: '2026-03',
      indicator: 'on-time',
      part: 'DENOMINATOR',
      first: 3,
      after: p1.pageInfo.endCursor,
    });
    expect((page2.data!.serviceIndexDossiers as { edges: unknown[] }).edges).toHaveLength(1);
    const bad = await hub.gql(token, DOSSIERS, { period: '2026-03', indicator: 'on-time', after: '!!' });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const csv = await hub.gql(
      token,
      `{ serviceIndexDossiersCsv(period: "2026-03", indicator: "online-dossiers", part: NUMERATOR) }`,
    );
    expect(csv.data!.serviceIndexDossiersCsv).toBe(
      `dossier_id,agency,value\r\n${idOf(AGENCIES.baDinh, 1)},${AGENCIES.baDinh},1\r\n`,
    );
  });

  it('flags an imported report whose totals do not add up, with the differences, and one that disagrees with the hub', async () => {
    const csv = [
      'agency,period,carried_over,new,received,finished,in_progress,overdue,points:procedures-published-on-time',
      `${AGENCIES.baDinh},2026-03,0,3,5,1,2,2,3.5`,
      `${AGENCIES.ngocHa},2026-03,0,1,1,1,0,,`,
    ].join('\n');
    const rows = parseReport('portal-2026-03.csv', Buffer.from(csv), 'national-portal');
    const now = new Date(at('31'));
    expect(await importReport(hub.store, rows, { actor: { kind: 'operator', id: 'test' }, now })).toEqual({
      appended: 2,
      unchanged: 0,
    });
    expect(await importReport(hub.store, rows, { actor: { kind: 'operator', id: 'test' }, now })).toEqual({
      appended: 0,
      unchanged: 2,
    });
    await hub.settle();
    const token = await hub.token(AGENCIES.inspector, 'inspector');
    const q = `query($scope: ServiceIndexScope) { serviceIndexReconciliation(period: "2026-03", scope: $scope) {
      balanced findings { rule source agency figure expected actual difference } } }`;
    const own = (await hub.gql(token, q, { scope: { agency: AGENCIES.baDinh } })).data!
      .serviceIndexReconciliation as { balanced: boolean; findings: unknown[] };
    expect(own.balanced).toBe(false);
    expect(own.findings).toEqual([
      {
        rule: 'received = carried over + new',
        source: 'national-portal',
        agency: AGENCIES.baDinh,
        figure: null,
        expected: 3,
        actual: 5,
        difference: 2,
      },
      {
        rule: 'finished + in progress = received',
        source: 'national-portal',
        agency: AGENCIES.baDinh,
        figure: null,
        expected: 5,
        actual: 3,
        difference: -2,
      },
      {
        rule: 'report = hub',
        source: 'national-portal',
        agency: AGENCIES.baDinh,
        figure: 'received',
        expected: 3,
        actual: 5,
        difference: 2,
      },
    ]);
    const ngocHa = (await hub.gql(token, q, { scope: { agency: AGENCIES.ngocHa } })).data!
      .serviceIndexReconciliation as { balanced: boolean };
    expect(ngocHa.balanced).toBe(true);
    // the report's points fill the external indicator for that agency
    const index = await hub.gql(
      token,
      `{ serviceIndex(period: "2026-03", scope: { agency: "${AGENCIES.baDinh}" }) { groups { code score } } }`,
    );
    expect((index.data!.serviceIndex as { groups: { code: string; score: number }[] }).groups[0]).toEqual({
      code: 'transparency',
      score: 3.5,
    });
  });

  it('refuses a malformed report file whole, naming line and column', () => {
    const csv = [
      'agency,period,carried_over,new,received,finished,in_progress',
      `${AGENCIES.baDinh},2026-3,0,x,1,1,0`,
    ].join('\n');
    try {
      parseReport('bad.csv', Buffer.from(csv), 'national-portal');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ServiceIndexReportInvalidError);
      expect((error as ServiceIndexReportInvalidError).issues.map((i) => `${i.line}:${i.column}`)).toEqual([
        '2:period',
        '2:new',
      ]);
    }
  });
});
