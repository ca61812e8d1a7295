import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideAll } from '../../kernel/decider/index.js';
import { AGENCIES, API_PROJECTIONS, startTestHub, type TestHub } from '../../testing/hub.js';
import type { DossierCommand } from './commands.js';
import { dossierDecider } from './decider.js';
import { dossierStream } from './events.js';
import { dossiersProjection } from './projection.js';
import { at, meta, sealedDeclaration, submittedData } from './spec-fixtures.js';

let hub: TestHub;
const ids = {
  baDinhFirst: `${AGENCIES.baDinh}-260312-0001`,
  baDinhSecond: `${AGENCIES.baDinh}-260312-0002`,
  ngocHa: `${AGENCIES.ngocHa}-260312-0001`,
};

/** A dossier of `agency` for citizen `i`, submitted online `hours` after the first and received by `agency`. */
async function write(dossierId: string, agency: string, citizen: number, hours: number) {
  const applicant = hub.pseudonymize('citizen', hub.citizens[citizen]!.personalId as string);
  const by = (now: string, n: number) => {
    const m = meta(now, n);
    return { ...m, metadata: { ...m.metadata, actor: { ...m.metadata.actor, id: agency } } };
  };
  const c = (type: DossierCommand['type'], data: object, now: string, n: number) =>
    ({ type, data: { dossierId, ...data }, meta: by(now, n + hours * 10) }) as DossierCommand;
  const events = decideAll(dossierDecider, [
    c(
      'SubmitDossier',
      {
        ...submittedData({
          dossierId,
          agency,
          applicant,
          declaration: { sealed: sealedDeclaration(dossierId), fields: { prefilled: 3, typed: 1 } },
        }),
        components: [],
      },
      at(0, hours),
      1,
    ),
    c('ReceiveDossier', { official: 'clerk-1', appointmentAt: at(5) }, at(0, hours + 1), 2),
  ]);
  await hub.store.append(dossierStream(dossierId), events, { expectedRevision: 'no_stream' });
}

beforeAll(async () => {
  hub = await startTestHub({ citizens: 2, projections: [...API_PROJECTIONS, dossiersProjection] });
  await write(ids.baDinhFirst, AGENCIES.baDinh, 0, 1);
  await write(ids.baDinhSecond, AGENCIES.baDinh, 1, 2);
  await write(ids.ngocHa, AGENCIES.ngocHa, 0, 3);
  await hub.settle();
}, 60_000);
afterAll(async () => hub?.close());

const LIST = `query($filter: DossierFilter, $first: Int, $after: String) {
  dossiers(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id agency status portalStatus } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const ONE = `query($id: ID!) {
  dossier(id: $id) {
    id status portalStatus portalStatusName channel dueAt overdue
    onceOnly { fieldsPrefilled fieldsTyped shareTyped }
    timeline { type status portalStatus actor official details }
  }
}`;
const listed = (res: Awaited<ReturnType<TestHub['gql']>>) =>
  (res.data!.dossiers as { edges: { node: { id: string } }[] }).edges.map((e) => e.node.id);

describe('GraphQL: dossiers', () => {
  it('lets an agency see only the dossiers it is competent for', async () => {
    const token = await hub.token(AGENCIES.baDinh, 'consumer');
    expect(listed(await hub.gql(token, LIST))).toEqual([ids.baDinhSecond, ids.baDinhFirst]);
    expect((await hub.gql(token, ONE, { id: ids.ngocHa })).data).toEqual({ dossier: null });
    const other = await hub.gql(token, LIST, { filter: { agency: AGENCIES.ngocHa } });
    expect(other.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    hub.setNow(new Date(at(4)));
    const before = await hub.gql(token, ONE, { id: ids.baDinhFirst });
    expect((before.data!.dossier as { overdue: boolean }).overdue).toBe(false);
    expect(listed(await hub.gql(token, LIST, { filter: { overdue: true } }))).toEqual([]);
    hub.setNow(new Date(at(6)));
    expect(listed(await hub.gql(token, LIST, { filter: { overdue: true } }))).toEqual([
      ids.baDinhSecond,
      ids.baDinhFirst,
    ]);
    const one = await hub.gql(token, ONE, { id: ids.baDinhFirst });
    expect(one.data?.dossier).toEqual({
      id: ids.baDinhFirst,
      status: 'RECEIVED',
      portalStatus: 2,
      portalStatusName: 'Được tiếp nhận',
      channel: 'ONLINE',
      dueAt: at(5),
      overdue: true,
      onceOnly: { fieldsPrefilled: 3, fieldsTyped: 1, shareTyped: 0.25 },
      timeline: [
        {
          type: 'DossierSubmitted',
          status: 'SUBMITTED',
          portalStatus: 1,
          actor: AGENCIES.baDinh,
          official: 'clerk-1',
          details: expect.stringContaining('"fields":{"prefilled":3,"typed":1}'),
        },
        expect.objectContaining({ type: 'DossierReceived', status: 'RECEIVED', portalStatus: 2 }),
      ],
    });
    const applicant = hub.pseudonymize('citizen', hub.citizens[0]!.personalId as string);
    expect(JSON.stringify(one.data)).not.toContain(applicant);
  });

  it('lets a citizen portal see only its citizen’s dossiers, whichever agency holds them', async () => {
    const token = await hub.token(AGENCIES.portal, 'citizen-portal', {
      citizenPid: hub.citizens[0]!.personalId as string,
    });
    expect(listed(await hub.gql(token, LIST))).toEqual([ids.ngocHa, ids.baDinhFirst]);
    expect((await hub.gql(token, ONE, { id: ids.baDinhSecond })).data).toEqual({ dossier: null });
    expect(listed(await hub.gql(token, LIST, { filter: { status: ['RETURNED'] } }))).toEqual([]);
  });

  it('lets an inspector page through every dossier, and refuses a foreign cursor', async () => {
    const token = await hub.token(AGENCIES.inspector, 'inspector');
    const first = await hub.gql(token, LIST, { first: 2 });
    expect(listed(first)).toEqual([ids.ngocHa, ids.baDinhSecond]);
    const { endCursor, hasNextPage } = (
      first.data!.dossiers as { pageInfo: { endCursor: string; hasNextPage: boolean } }
    ).pageInfo;
    expect(hasNextPage).toBe(true);
    expect(listed(await hub.gql(token, LIST, { first: 2, after: endCursor }))).toEqual([ids.baDinhFirst]);
    const bad = await hub.gql(token, LIST, { after: 'garbage' });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const big = await hub.gql(token, LIST, { first: 1000 });
    expect(big.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect((await hub.gql(null, LIST)).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });
});
