import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENCIES, API_PROJECTIONS, startTestHub, type TestHub } from '../../testing/hub.js';
import type { DisclosureDeferredData } from '../access/index.js';
import { accessLogProjection } from './projection.js';

let hub: TestHub;

const BIRTH = 'tthc-1.001193';
const INVESTIGATION = 'criminal-investigation';
const DAY_MS = 86_400_000;
/** 10:00 in Vietnam on 2 March 2026: the releases' day. */
const D = Date.UTC(2026, 2, 2, 3);
const pid = (i: number) => hub.citizens[i]!.personalId as string;
const codes = (res: { errors?: { extensions: { code: string } }[] }) =>
  res.errors?.map((e) => e.extensions.code);

/** Moves the API clock `days` after D (tokens keep real time). */
function on(days: number) {
  hub.setNow(new Date(D + days * DAY_MS));
}

const citizen = (i: number) =>
  hub.token(AGENCIES.portal, 'citizen-portal', { citizenPid: pid(i), official: 'portal' });
const inspectorToken = () => hub.token(AGENCIES.inspector, 'inspector', { official: 'tt-1' });

interface Use {
  id: string;
  at: string;
  kind: string;
  agency: string;
  agencyName: string | null;
  fields: string[];
  purpose: string;
  legalBasis: string | null;
  contractId: string | null;
  deferred: { until: string; basis: string } | null;
}

async function uses(token: string, first?: number): Promise<Use[]> {
  const out: Use[] = [];
  let after: string | null = null;
  do {
    const res = await hub.gql(
      token,
      `query($n: Int, $a: String) { myDataUse(first: $n, after: $a) {
         entries { id at kind agency agencyName fields purpose legalBasis contractId deferred { until basis } }
         nextCursor } }`,
      { n: first, a: after },
    );
    expect(res.errors).toBeUndefined();
    const page = res.data!.myDataUse as { entries: Use[]; nextCursor: string | null };
    out.push(...page.entries);
    after = page.nextCursor;
  } while (after);
  return out;
}

const defer = (token: string, input: Record<string, unknown>) =>
  hub.gql(
    token,
    `mutation($i: DeferDisclosureInput!) { deferDisclosure(input: $i) { id subject accessIds agency purpose basis until } }`,
    { i: input },
  );

/** Access ids: [citizen] → [ward's birth read, police read]. */
const reads: { ward: string; police?: string }[] = [];

beforeAll(async () => {
  hub = await startTestHub({ citizens: 4, projections: [...API_PROJECTIONS, accessLogProjection] });
  on(0);
  const ward = await hub.token(AGENCIES.baDinh, 'consumer', { official: 'cb-1' });
  const police = await hub.token(AGENCIES.baDinhPolice, 'consumer', { official: 'ca-1' });
  const read = async (token: string, i: number, purpose: string) => {
    const res = await hub.gql(
      token,
      `{ person(personalId: "${pid(i)}", purpose: "${purpose}") { fullName release { accessId } } }`,
    );
    expect(res.errors).toBeUndefined();
    return (res.data!.person as { release: { accessId: string } }).release.accessId;
  };
  for (let i = 0; i < 3; i++) {
    reads.push({ ward: await read(ward, i, BIRTH) });
    if (i < 2) reads[i]!.police = await read(police, i, INVESTIGATION);
  }
  // a refusal is not a use of the citizen's data
  expect(
    codes(
      await hub.gql(
        ward,
        `{ person(personalId: "${pid(0)}", purpose: "${BIRTH}") { household { householdId } } }`,
      ),
    ),
  ).toEqual(['FIELD_NOT_IN_CONTRACT']);
  await hub.settle();
}, 120_000);
afterAll(async () => hub?.close());

describe('myDataUse', () => {
  it("lists exactly the citizen's own uses, with the agency's name and the contract's legal basis", async () => {
    on(1);
    const mine = await uses(await citizen(2));
    expect(mine).toEqual([
      {
        id: reads[2]!.ward,
        at: new Date(D).toISOString(),
        kind: 'RELEASED',
        agency: AGENCIES.baDinh,
        agencyName: 'Ủy ban nhân dân Phường Ba Đình',
        fields: ['fullName'],
        purpose: BIRTH,
        legalBasis: 'Luật Hộ tịch 2014; Nghị định 47/2020/NĐ-CP, Điều 14; Nghị định 104/2022/NĐ-CP',
        contractId: 'c06-to-ba-dinh-birth-registration',
        deferred: null,
      },
    ]);
    for (const i of [0, 1, 3]) {
      const theirs = await uses(await citizen(i));
      expect(theirs.map((u) => u.id)).toEqual(i === 3 ? [] : [reads[i]!.ward]);
    }
  });

  it("hides a release under a contract that defers disclosure until the rule's end, then shows it with its basis", async () => {
    // the deferral went out in the same commit as the release, right after it
    const stream = await hub.accessEvents(pid(0));
    const at = stream.findIndex((e) => e.id === reads[0]!.police);
    expect(stream[at + 1]).toMatchObject({ type: 'DisclosureDeferred', position: stream[at]!.position + 1 });
    const deferral = stream[at + 1]!.data as DisclosureDeferredData;
    expect(deferral).toMatchObject({
      subject: hub.pseudonymize('citizen', pid(0)),
      accessIds: [reads[0]!.police],
      scope: null,
      until: '2026-08-29',
      decidedBy: { contract: { id: 'c06-to-ba-dinh-police-investigation', version: 1 } },
    });
    on(179);
    expect((await uses(await citizen(0))).map((u) => u.id)).toEqual([reads[0]!.ward]);
    on(180);
    const shown = await uses(await citizen(0), 1);
    expect(shown.map((u) => u.id).sort()).toEqual([reads[0]!.ward, reads[0]!.police].sort());
    expect(shown.find((u) => u.id === reads[0]!.police)).toMatchObject({
      agency: AGENCIES.baDinhPolice,
      agencyName: 'Công an phường Ba Đình',
      purpose: INVESTIGATION,
      legalBasis: expect.stringContaining('Bộ luật Tố tụng hình sự'),
      deferred: { until: '2026-08-29', basis: deferral.basis },
    });
    // the rule is the contract's, as the API shows it
    const contracts = await hub.gql(
      await inspectorToken(),
      '{ contracts(dataset: "population") { id citizenDisclosure { deferDays basis } } }',
    );
    const terms = contracts.data!.contracts as { id: string; citizenDisclosure: unknown }[];
    expect(terms.find((c) => c.id === 'c06-to-ba-dinh-police-investigation')!.citizenDisclosure).toEqual({
      deferDays: 180,
      basis: deferral.basis,
    });
    expect(terms.find((c) => c.id === 'c06-to-ba-dinh-birth-registration')!.citizenDisclosure).toBeNull();
    // the inspector still sees it at once
    on(1);
    const log = await hub.gql(
      await inspectorToken(),
      `{ accessLog(personalId: "${pid(0)}") { id outcome } }`,
    );
    expect((log.data!.accessLog as { id: string }[]).map((e) => e.id)).toContain(reads[0]!.police);
  });

  it('hides an access an inspector deferred, or every access of an agency for a purpose, until the day given', async () => {
    on(1);
    const inspector = await inspectorToken();
    const one = await defer(inspector, {
      accessId: reads[1]!.ward,
      basis: 'Quyết định số 12/2026/QĐ-TA',
      until: '2026-03-20',
    });
    expect(one.errors).toBeUndefined();
    expect(one.data!.deferDisclosure).toMatchObject({
      subject: hub.pseudonymize('citizen', pid(1)),
      accessIds: [reads[1]!.ward],
      agency: null,
      basis: 'Quyết định số 12/2026/QĐ-TA',
      until: '2026-03-20',
    });
    const scope = await defer(inspector, {
      personalId: pid(2),
      agency: AGENCIES.baDinh,
      purpose: BIRTH,
      basis: 'Quyết định số 13/2026/QĐ-TA',
      until: '2026-03-10',
    });
    expect(scope.errors).toBeUndefined();
    expect(scope.data!.deferDisclosure).toMatchObject({
      accessIds: null,
      agency: AGENCIES.baDinh,
      purpose: BIRTH,
    });
    await hub.settle();
    expect(await uses(await citizen(1))).toEqual([]);
    expect(await uses(await citizen(2))).toEqual([]);
    on(8); // 10 March in Vietnam: the scope's deferral has ended
    expect((await uses(await citizen(2))).map((u) => [u.id, u.deferred?.until])).toEqual([
      [reads[2]!.ward, '2026-03-10'],
    ]);
    expect(await uses(await citizen(1))).toEqual([]);
    on(18);
    expect((await uses(await citizen(1))).map((u) => u.id)).toEqual([reads[1]!.ward]);
  });

  it('refuses a deferral it cannot record, naming the argument, and writes nothing', async () => {
    on(1);
    const inspector = await inspectorToken();
    const before = (await hub.raw.info()).lastPosition;
    const refused = async (input: Record<string, unknown>, field: string) => {
      const res = await defer(inspector, {
        basis: 'Quyết định số 14/2026/QĐ-TA',
        until: '2026-04-01',
        ...input,
      });
      expect(codes(res), field).toEqual(['BAD_USER_INPUT']);
      expect(
        res.errors![0]!.extensions.field ?? res.errors![0]!.extensions.argument,
        JSON.stringify(input),
      ).toBe(field);
    };
    await refused({ accessId: reads[0]!.ward, until: '2026-03-03' }, 'input.until');
    await refused({ accessId: reads[0]!.ward, until: '2026-02-30' }, 'input.until');
    await refused({ accessId: '00000000-0000-4000-8000-000000000000' }, 'input.accessId');
    await refused({ accessId: 'x' }, 'input.accessId');
    await refused({ accessId: reads[0]!.ward, agency: AGENCIES.baDinh }, 'input.accessId');
    await refused({}, 'input.accessId');
    await refused({ personalId: pid(0), agency: AGENCIES.baDinh }, 'input.purpose');
    await refused({ personalId: '123', agency: AGENCIES.baDinh, purpose: BIRTH }, 'input.personalId');
    await refused({ accessId: reads[0]!.ward, basis: 'x'.repeat(501) }, 'input.basis');
    await refused({ accessId: reads[0]!.ward, basis: '  ' }, 'input.basis');
    const consumer = await hub.token(AGENCIES.baDinh, 'consumer');
    expect(
      codes(await defer(consumer, { accessId: reads[0]!.ward, basis: 'abc', until: '2026-04-01' })),
    ).toEqual(['FORBIDDEN']);
    expect((await hub.raw.info()).lastPosition).toBe(before);
  });

  it('is refused to a portal token that names no citizen and to other roles; a cursor is the citizen’s own', async () => {
    on(1);
    const anonymous = await hub.token(AGENCIES.portal, 'citizen-portal');
    expect(codes(await hub.gql(anonymous, '{ myDataUse { nextCursor } }'))).toEqual(['UNAUTHENTICATED']);
    const consumer = await hub.token(AGENCIES.baDinh, 'consumer');
    expect(codes(await hub.gql(consumer, '{ myDataUse { nextCursor } }'))).toEqual(['FORBIDDEN']);
    expect(codes(await hub.gql(await inspectorToken(), '{ myDataUse { nextCursor } }'))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codes(await hub.gql(null, '{ myDataUse { nextCursor } }'))).toEqual(['UNAUTHENTICATED']);
    on(200);
    const mine = await hub.gql(await citizen(0), '{ myDataUse(first: 1) { nextCursor } }');
    const cursor = (mine.data!.myDataUse as { nextCursor: string }).nextCursor;
    expect(cursor).toBeTruthy();
    const other = await hub.gql(await citizen(1), `{ myDataUse(after: "${cursor}") { nextCursor } }`);
    expect(codes(other)).toEqual(['BAD_USER_INPUT']);
    expect(other.errors![0]!.extensions.field).toBe('after');
  });
});
