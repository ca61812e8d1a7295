import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCommandMeta } from '../../kernel/decider/index.js';
import { AGENCIES, API_PROJECTIONS, startTestHub, type TestHub } from '../../testing/hub.js';
import { GraphqlWsClient, type WsMessage } from '../../testing/ws.js';
import { retireAgency, vietnamDate } from '../agencies/index.js';
import { DossierFeed } from './feed.js';
import { dossiersProjection } from './projection.js';

let hub: TestHub;
let url: string;
const clients: GraphqlWsClient[] = [];

beforeAll(async () => {
  hub = await startTestHub({ citizens: 3, projections: [...API_PROJECTIONS, dossiersProjection] });
  await hub.app.listen({ host: '127.0.0.1', port: 0 });
  url = `ws://127.0.0.1:${(hub.app.server.address() as AddressInfo).port}/graphql`;
  hub.setNow(new Date('2026-03-12T03:00:00Z'));
}, 60_000);
afterAll(async () => {
  for (const c of clients) c.close();
  await hub?.close();
});

const pid = (i: number) => hub.citizens[i]!.personalId as string;
const agencyToken = (agency: string, role: 'consumer' | 'inspector' = 'consumer') => hub.token(agency, role);
const portalToken = (i: number) => hub.token(AGENCIES.portal, 'citizen-portal', { citizenPid: pid(i) });

/** A client connected and acknowledged with `token` in its connectionParams. */
async function connect(token: string, as: 'authorization' | 'token' = 'authorization') {
  const client = await GraphqlWsClient.open(url);
  clients.push(client);
  const answer = await client.init(as === 'token' ? { token } : { authorization: `Bearer ${token}` });
  expect(answer).toMatchObject({ type: 'connection_ack' });
  return client;
}

const AGENCY_SUB = `subscription($agency: String!) {
  dossierStatusChanged(agency: $agency) { dossierId status previousStatus agency eventType }
}`;
const MY_SUB =
  'subscription { myDossierStatusChanged { dossierId status previousStatus agency portalStatus } }';
const SUBMIT = 'mutation($input: SubmitDossierInput!) { submitDossier(input: $input) { id } }';
const declaration = { values: { lyDo: 'x' } };

async function submit(token: string, input: Record<string, unknown>): Promise<string> {
  const res = await hub.gql(token, SUBMIT, { input: { procedure: '1.001612', declaration, ...input } });
  expect(res.errors).toBeUndefined();
  return (res.data!.submitDossier as { id: string }).id;
}

async function act(token: string, query: string, variables: Record<string, unknown>) {
  const res = await hub.gql(token, query, variables);
  expect(res.errors).toBeUndefined();
}
const RECEIVE = 'mutation($id: ID!) { receiveDossier(id: $id) { id } }';
const TRANSFER =
  'mutation($id: ID!, $to: String!) { transferDossier(id: $id, input: { to: $to, reason: "thẩm quyền" }) { id } }';

/** The `field` values client `c` received for operation `id` once its last expected one (`until`) arrived. */
async function received(c: GraphqlWsClient, id: string, field: string, until: string) {
  await c.next((m) => m !== 'closed' && m.id === id && JSON.stringify(m.payload).includes(until));
  return c.data(id).map((p) => p.data?.[field] as Record<string, unknown>);
}

describe('dossier subscriptions over WebSocket', () => {
  it('sends each subscriber the status changes of the dossiers it may see, and only those', async () => {
    const [baDinhDesk, ngocHaDesk, hoanKiemDesk] = await Promise.all([
      agencyToken(AGENCIES.baDinh),
      agencyToken(AGENCIES.ngocHa),
      agencyToken(AGENCIES.hoanKiem),
    ]);
    const baDinh = await connect(baDinhDesk);
    const ngocHa = await connect(ngocHaDesk, 'token');
    const inspector = await connect(await agencyToken(AGENCIES.inspector, 'inspector'));
    const [portal0, portal1] = [await portalToken(0), await portalToken(1)];
    const citizen0 = await connect(portal0);
    const citizen1 = await connect(portal1);
    baDinh.subscribe('s', AGENCY_SUB, { agency: AGENCIES.baDinh });
    ngocHa.subscribe('s', AGENCY_SUB, { agency: AGENCIES.ngocHa });
    inspector.subscribe('s', AGENCY_SUB, { agency: AGENCIES.ngocHa });
    citizen0.subscribe('s', MY_SUB);
    citizen1.subscribe('s', MY_SUB);
    // subscriptions start asynchronously: wait until the five are listening
    await waitForListeners(5);

    const d1 = await submit(baDinhDesk, { applicantPersonalId: pid(0) }); // Ba Đình, citizen 0
    const d2 = await submit(ngocHaDesk, { applicantPersonalId: pid(1) }); // Ngọc Hà, citizen 1
    await act(baDinhDesk, RECEIVE, { id: d1 });
    await act(ngocHaDesk, RECEIVE, { id: d2 });
    await act(baDinhDesk, TRANSFER, { id: d1, to: AGENCIES.ngocHa }); // Ba Đình keeps it as its desk's intake
    // one last change each subscriber may see, after everything above: a change it should not have
    // seen would have reached it before this one
    const lastBaDinh = await submit(baDinhDesk, { applicantPersonalId: pid(2) });
    const lastNgocHa = await submit(ngocHaDesk, { applicantPersonalId: pid(2) });
    const last0 = await submit(portal0, { agency: AGENCIES.hoanKiem });
    const last1 = await submit(portal1, { agency: AGENCIES.hoanKiem });
    await act(hoanKiemDesk, RECEIVE, { id: last0 });

    const field = 'dossierStatusChanged';
    expect(await received(baDinh, 's', field, lastBaDinh)).toEqual([
      {
        dossierId: d1,
        status: 'SUBMITTED',
        previousStatus: null,
        agency: AGENCIES.baDinh,
        eventType: 'DossierSubmitted',
      },
      {
        dossierId: d1,
        status: 'RECEIVED',
        previousStatus: 'SUBMITTED',
        agency: AGENCIES.baDinh,
        eventType: 'DossierReceived',
      },
      {
        dossierId: d1,
        status: 'RECEIVED',
        previousStatus: 'RECEIVED',
        agency: AGENCIES.ngocHa,
        eventType: 'DossierTransferred',
      },
      expect.objectContaining({ dossierId: lastBaDinh, status: 'SUBMITTED' }),
    ]);
    const ngocHaSeen = [
      expect.objectContaining({ dossierId: d2, status: 'SUBMITTED' }),
      expect.objectContaining({ dossierId: d2, status: 'RECEIVED' }),
      expect.objectContaining({ dossierId: d1, agency: AGENCIES.ngocHa, eventType: 'DossierTransferred' }),
      expect.objectContaining({ dossierId: lastNgocHa, status: 'SUBMITTED' }),
    ];
    expect(await received(ngocHa, 's', field, lastNgocHa)).toEqual(ngocHaSeen);
    expect(await received(inspector, 's', field, lastNgocHa)).toEqual(ngocHaSeen);

    const mine = 'myDossierStatusChanged';
    expect(await received(citizen0, 's', mine, `"${last0}","status":"RECEIVED"`)).toEqual([
      { dossierId: d1, status: 'SUBMITTED', previousStatus: null, agency: AGENCIES.baDinh, portalStatus: 1 },
      {
        dossierId: d1,
        status: 'RECEIVED',
        previousStatus: 'SUBMITTED',
        agency: AGENCIES.baDinh,
        portalStatus: 2,
      },
      {
        dossierId: d1,
        status: 'RECEIVED',
        previousStatus: 'RECEIVED',
        agency: AGENCIES.ngocHa,
        portalStatus: 2,
      },
      expect.objectContaining({ dossierId: last0, status: 'SUBMITTED' }),
      expect.objectContaining({ dossierId: last0, status: 'RECEIVED' }),
    ]);
    expect(await received(citizen1, 's', mine, last1)).toEqual([
      expect.objectContaining({ dossierId: d2, status: 'SUBMITTED' }),
      expect.objectContaining({ dossierId: d2, status: 'RECEIVED' }),
      expect.objectContaining({ dossierId: last1, status: 'SUBMITTED' }),
    ]);
    // nothing names a citizen
    for (const c of [baDinh, ngocHa, inspector, citizen0, citizen1]) {
      const text = JSON.stringify(c.messages);
      for (const i of [0, 1, 2]) {
        expect(text).not.toContain(pid(i));
        expect(text).not.toContain(hub.pseudonymize('citizen', pid(i)));
      }
    }
  });

  it('refuses a connection without a valid token before any operation', async () => {
    for (const payload of [{}, { authorization: 'Bearer not-a-token' }, null]) {
      const client = await GraphqlWsClient.open(url);
      clients.push(client);
      expect(await client.init(payload)).toMatchObject({ type: 'connection_error' });
      expect(await client.next((m) => m === 'closed')).toBe('closed');
    }
  });

  it('refuses, with the API’s error codes, another agency’s dossiers, the wrong role and a bad document', async () => {
    const client = await connect(await agencyToken(AGENCIES.baDinh));
    client.subscribe('other', AGENCY_SUB, { agency: AGENCIES.ngocHa });
    client.subscribe('mine', MY_SUB);
    client.subscribe('bad', 'subscription { dossierStatusChanged(agency: "x") { nope } }');
    const citizen = await connect(await portalToken(0));
    citizen.subscribe('agency', AGENCY_SUB, { agency: AGENCIES.baDinh });

    const errorsOf = async (c: GraphqlWsClient, id: string, type: string) => {
      const m = (await c.next((x) => x !== 'closed' && x.id === id && x.type === type)) as WsMessage;
      return type === 'next' ? (m.payload as { errors: unknown[] }).errors : (m.payload as unknown[]);
    };
    expect(await errorsOf(client, 'other', 'next')).toEqual([
      expect.objectContaining({
        extensions: expect.objectContaining({ code: 'FORBIDDEN', hubCode: 'AUTH_FORBIDDEN' }),
      }),
    ]);
    await client.next((m) => m !== 'closed' && m.id === 'other' && m.type === 'complete');
    expect(await errorsOf(client, 'mine', 'next')).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
    ]);
    expect(await errorsOf(client, 'bad', 'error')).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('nope'),
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
      }),
    ]);
    expect(await errorsOf(citizen, 'agency', 'next')).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
    ]);
  });

  // last: it retires an agency of the shared hub
  it('authorises every event again: an agency retired since the connection opened hears no more', async () => {
    const hoanKiemDesk = await agencyToken(AGENCIES.hoanKiem);
    const baDinhDesk = await agencyToken(AGENCIES.baDinh);
    const client = await connect(hoanKiemDesk);
    client.subscribe('s', AGENCY_SUB, { agency: AGENCIES.hoanKiem });
    await waitForListeners(DossierFeed.of(hub.db).size + 1);
    // Hoàn Kiếm's desk takes in a dossier Ba Đình is competent for
    const d = await submit(hoanKiemDesk, { applicantPersonalId: pid(1), agency: AGENCIES.baDinh });
    await client.next((m) => m !== 'closed' && m.id === 's' && JSON.stringify(m.payload).includes(d));
    const today = vietnamDate(new Date());
    const by = { actor: { kind: 'operator' as const, id: 'test' }, correlationId: 'retire' };
    await retireAgency(hub.store, { organCode: AGENCIES.hoanKiem, validUntil: today }, newCommandMeta(by));
    await hub.settle();
    await act(baDinhDesk, RECEIVE, { id: d }); // concerns Hoàn Kiếm (its intake), which no longer verifies
    const refused = await client.next(
      (m) => m !== 'closed' && m.id === 's' && m.type === 'next' && 'errors' in (m.payload as object),
    );
    expect((refused as WsMessage).payload).toMatchObject({
      data: null,
      errors: [{ extensions: { code: 'UNAUTHENTICATED', hubCode: 'AUTH_UNAUTHENTICATED' } }],
    });
    expect(await client.next((m) => m !== 'closed' && m.id === 's' && m.type === 'complete')).toBeTruthy();
    expect(client.data('s')).toHaveLength(2);
  });
});

/** Resolves once `n` subscriptions listen to the dossier feed (they start after the subscribe message). */
async function waitForListeners(n: number): Promise<void> {
  const feed = DossierFeed.of(hub.db);
  while (feed.size < n) await new Promise((resolve) => setImmediate(resolve));
}
