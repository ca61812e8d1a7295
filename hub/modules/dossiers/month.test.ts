import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubModule, ModuleHost } from '../../kernel/module.js';
import { openReadModelDb } from '../../projections/db.js';
import { AGENCIES, API_PROJECTIONS, startTestHub, type TestHub } from '../../testing/hub.js';
import { hubModules } from '../index.js';
import type { SubmissionChannel } from './events.js';
import { dossiersProjection } from './projection.js';
import { type DossierFilter, listDossiers } from './queries.js';
import type { DossierActor, DossierService } from './service.js';
import type { DossierStatus } from './state.js';

// A synthetic month: dossiers of several procedures, agencies and channels, each taken through a
// lifecycle drawn at random (seeded) by the dossier service the API uses, over the declared working
// calendar and the demo catalogue; the read model must count exactly what was generated, however
// it is filtered and paged, and a rebuild from the log must equal it.
let hub: TestHub;
let service: DossierService;
const grabber: HubModule = {
  name: 'month-grabber',
  projections: [],
  plugin: fp(async (_app: FastifyInstance, host: ModuleHost) => {
    service = host.services.get('dossiers');
  }),
};
beforeAll(async () => {
  hub = await startTestHub({
    citizens: 12,
    projections: [...API_PROJECTIONS, dossiersProjection],
    modules: [...hubModules, grabber],
  });
}, 60_000);
afterAll(async () => hub?.close());

/** mulberry32: the same month on every run. */
function random(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return { next, pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]! };
}

const PROCEDURES = ['1.001193', '1.003197', '1.001612', '1.000656', '1.004873', '1.000894'] as const;
const WARDS = [AGENCIES.baDinh, AGENCIES.ngocHa, AGENCIES.hoanKiem] as const;
const CHANNELS: SubmissionChannel[] = ['online', 'desk', 'postal'];
/** How far each dossier goes, and the status it ends the month in. */
const PATHS: [string, DossierStatus][] = [
  ['submitted', 'submitted'],
  ['refused', 'refused'],
  ['withdrawn', 'withdrawn'],
  ['received', 'received'],
  ['processing', 'processing'],
  ['supplement', 'awaiting-supplement'],
  ['fee', 'awaiting-payment'],
  ['rejected', 'rejected'],
  ['stopped', 'stopped'],
  ['issued', 'result-issued'],
  ['returned', 'returned'],
  ['returned', 'returned'],
];
const MONTH = { from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' };

interface Generated {
  id: string;
  agency: string;
  procedure: string;
  channel: SubmissionChannel;
  status: DossierStatus;
}

/** Takes one dossier down its path, an hour of the clock per step. */
async function live(
  path: string,
  by: DossierActor,
  portal: DossierActor & { applicant: string },
  id: string,
  at: Date,
) {
  let t = at.getTime();
  const step = () => {
    t += 3_600_000;
    hub.setNow(new Date(t));
  };
  const official = { ...by, actor: { ...by.actor, official: 'cb-01' } };
  if (path === 'submitted') return;
  step();
  if (path === 'refused') return void (await service.refuse(official, id, 'thiếu giấy tờ'));
  if (path === 'withdrawn') return void (await service.withdraw(portal, id, portal.applicant, null));
  await service.receive(official, id);
  if (path === 'received') return;
  step();
  await service.assign(official, id, { department: 'Tư pháp - Hộ tịch' });
  if (path === 'processing') return;
  step();
  if (path === 'supplement' || path === 'stopped') {
    await service.requestSupplement(official, id, ['bản sao'], 'mờ');
    if (path === 'stopped') await service.stop(official, id, 'quá hạn bổ sung');
    return;
  }
  if (path === 'fee')
    return void (await service.notifyObligation(official, id, { kind: 'charge', amountVnd: 8000 }));
  if (path === 'rejected') return void (await service.reject(official, id, 'không đủ điều kiện'));
  await service.approve(official, id);
  step();
  await service.issueResult(official, id, { paper: true });
  if (path === 'returned') await service.returnResult(official, id, 'desk');
}

async function generate(count: number): Promise<Generated[]> {
  const rng = random(20260301);
  const out: Generated[] = [];
  for (let i = 0; i < count; i++) {
    const day = 2 + Math.floor(rng.next() * 27); // 2–28 March: the steps stay within the month
    const at = new Date(Date.UTC(2026, 2, day, 1 + Math.floor(rng.next() * 8), Math.floor(rng.next() * 60)));
    hub.setNow(at);
    const agency = rng.pick(WARDS);
    const procedure = rng.pick(PROCEDURES);
    const channel = rng.pick(CHANNELS);
    const citizen = hub.citizens[Math.floor(rng.next() * hub.citizens.length)]!;
    const applicant = hub.pseudonymize('citizen', citizen.personalId as string);
    const [path, status] = rng.pick(PATHS);
    const desk: DossierActor = {
      actor: { kind: 'agency', id: agency, official: 'cb-01' },
      correlationId: `m-${i}`,
    };
    const portal = {
      actor: { kind: 'agency' as const, id: AGENCIES.portal, official: 'portal' },
      correlationId: `m-${i}`,
      applicant,
    };
    const state = await service.submit(channel === 'online' ? portal : desk, {
      channel,
      procedure: { code: procedure },
      agency,
      applicant,
      declaration: { values: { lyDo: `hồ sơ ${i}` }, prefilled: [] },
    });
    await live(path, desk, portal, state.dossierId, at);
    out.push({ id: state.dossierId, agency, procedure, channel, status });
  }
  return out;
}

/** Every dossier of the filter, page by page. */
function all(db: Parameters<typeof listDossiers>[0], filter: DossierFilter): string[] {
  const ids: string[] = [];
  let after: string | null = null;
  for (;;) {
    const page = listDossiers(db, filter, { first: 37, after, now: new Date(MONTH.to) });
    ids.push(...page.edges.map((e) => e.node.dossierId));
    if (!page.pageInfo.hasNextPage) return ids;
    after = page.pageInfo.endCursor;
  }
}

const tally = <K extends string>(rows: Generated[], key: (g: Generated) => K) => {
  const counts = new Map<K, string[]>();
  for (const g of rows) counts.set(key(g), [...(counts.get(key(g)) ?? []), g.id]);
  return counts;
};
const sorted = (ids: string[]) => [...ids].sort();

describe('a synthetic month of dossiers', () => {
  it('is counted by the read model exactly as generated, per channel, procedure, status and agency', async () => {
    const generated = await generate(240);
    const month = { submittedFrom: MONTH.from, submittedBefore: MONTH.to };
    expect(sorted(all(hub.db, month))).toEqual(sorted(generated.map((g) => g.id)));
    const byChannel = tally(generated, (g) => g.channel);
    const byProcedure = tally(generated, (g) => g.procedure);
    const byStatus = tally(generated, (g) => g.status);
    expect(byChannel.size).toBe(3);
    expect(byProcedure.size).toBe(PROCEDURES.length);
    expect(byStatus.size).toBe(new Set(PATHS.map(([, s]) => s)).size);
    for (const [channel, ids] of byChannel)
      expect(sorted(all(hub.db, { ...month, channel }))).toEqual(sorted(ids));
    for (const [procedure, ids] of byProcedure) {
      expect(sorted(all(hub.db, { ...month, procedure }))).toEqual(sorted(ids));
    }
    for (const [status, ids] of byStatus)
      expect(sorted(all(hub.db, { ...month, status: [status] }))).toEqual(sorted(ids));
    for (const agency of WARDS) {
      for (const [status, ids] of byStatus) {
        const expected = ids.filter((id) => id.startsWith(`${agency}-`));
        expect(sorted(all(hub.db, { ...month, agency, status: [status] }))).toEqual(sorted(expected));
      }
    }
    const closed: DossierStatus[] = [
      'refused',
      'withdrawn',
      'rejected',
      'stopped',
      'result-issued',
      'returned',
    ];
    const expectedClosed = generated.filter((g) => closed.includes(g.status)).map((g) => g.id);
    expect(sorted(all(hub.db, { ...month, status: closed }))).toEqual(sorted(expectedClosed));
    expect(all(hub.db, { submittedFrom: MONTH.to })).toEqual([]);

    // the same counts from the log alone
    const rebuilt = openReadModelDb(':memory:');
    const handler = dossiersProjection.open(rebuilt);
    for (const e of await hub.store.readAll()) handler.apply(e);
    for (const [status, ids] of byStatus)
      expect(sorted(all(rebuilt, { ...month, status: [status] }))).toEqual(sorted(ids));
    expect(all(rebuilt, month)).toEqual(all(hub.db, month));
    rebuilt.close();
  });
});
