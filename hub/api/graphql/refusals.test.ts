import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../kernel/event-store.js';
import type { AccessRateLimitedData, DataAccessDeniedData } from '../../modules/access/index.js';
import { AGENCIES, startTestHub, type TestHub } from '../../testing/hub.js';

/**
 * A flood of refusals: each counts against a rate limit, and identical ones are recorded as one
 * event per window. The hub is closed inside the test (closing writes what is held), so it has
 * its own.
 */
let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ citizens: 3 });
}, 60_000);
afterAll(async () => hub?.close());

const pid = (i: number) => hub.citizens[i]!.personalId as string;
const code = (res: { errors?: { extensions: { code: string } }[] }) =>
  res.errors?.[0]?.extensions.code ?? 'OK';
const counted = (events: RecordedEvent[]) =>
  events.reduce((n, e) => n + ((e.data as DataAccessDeniedData).repeated?.count ?? 1), 0);

const accessEvents = (i: number) => hub.accessEvents(pid(i));

describe('a flood of refusals', () => {
  it('records N identical refusals in O(1) events, every one accounted for, in stream order', async () => {
    // Ba Đình's birth-registration contract covers neither household nor more than 600 requests a minute
    const token = await hub.token(AGENCIES.baDinh, 'consumer');
    const ask = (fields: string) =>
      hub.gql(token, `{ person(personalId: "${pid(0)}", purpose: "tthc-1.001193") { ${fields} } }`);

    const flood = [];
    for (let i = 0; i < 40; i++) flood.push(code(await ask('fullName household { __typename }')));
    expect(flood).toEqual(Array(40).fill('FIELD_NOT_IN_CONTRACT'));
    // one written at once; the other 39 are counted, not written
    expect((await accessEvents(0)).map((e) => e.type)).toEqual(['DataAccessDenied']);

    // a release to the same citizen writes the held refusals first, so the stream keeps its order
    expect(code(await ask('fullName'))).toBe('OK');
    const events = await accessEvents(0);
    expect(events.map((e) => e.type)).toEqual(['DataAccessDenied', 'DataAccessDenied', 'DataAccessed']);
    expect((events[0]!.data as DataAccessDeniedData).repeated).toBeUndefined();
    expect((events[1]!.data as DataAccessDeniedData).repeated).toMatchObject({ count: 39 });
    expect(counted(events.slice(0, 2))).toBe(40);
  });

  it("counts refusals against the contract's rate limit; over it the caller gets RATE_LIMITED", async () => {
    // Hà Nội's social-assistance contract: 60 requests per 60 s, and gender is not in it
    const token = await hub.token(AGENCIES.hanoi, 'consumer');
    const ask = (fields: string) =>
      hub.gql(token, `{ person(personalId: "${pid(1)}", purpose: "social-assistance") { ${fields} } }`);
    const codes = [];
    for (let i = 0; i < 65; i++) codes.push(code(await ask('fullName gender')));
    expect(codes).toEqual([...Array(60).fill('FIELD_NOT_IN_CONTRACT'), ...Array(5).fill('RATE_LIMITED')]);
    const limited = await ask('fullName');
    expect(code(limited)).toBe('RATE_LIMITED');
    expect(limited.errors![0]!.extensions).toMatchObject({ contractId: 'c06-to-hanoi-social-assistance' });
    expect((limited.errors![0]!.extensions.retryAfterSeconds as number) > 0).toBe(true);
  });

  it('limits refusals of an agency no contract applies to, gathers its RATE_LIMITED ones across citizens, and writes what is held on shutdown', async () => {
    // Hoàn Kiếm's only contract is revoked: every request is refused before a contract applies
    const token = await hub.token(AGENCIES.hoanKiem, 'consumer');
    const codes = [];
    for (let i = 0; i < 70; i++) {
      const res = await hub.gql(
        token,
        `{ person(personalId: "${pid(2)}", purpose: "household-survey") { fullName } }`,
      );
      codes.push(code(res));
    }
    expect(codes).toEqual([...Array(60).fill('FORBIDDEN'), ...Array(10).fill('RATE_LIMITED')]);
    // the first refusal at once; its 59 repeats are held (RATE_LIMITED ones go to the agency's stream)
    expect((await accessEvents(2)).length).toBe(1);

    // over the limit, 300 more requests naming 300 different citizens
    const others = Array.from({ length: 300 }, (_, i) => `0990${String(i).padStart(8, '0')}`);
    for (const personalId of others) {
      const res = await hub.gql(
        token,
        `{ person(personalId: "${personalId}", purpose: "p-${personalId}") { fullName } }`,
      );
      expect(code(res)).toBe('RATE_LIMITED');
    }
    const limited = async () =>
      (await hub.raw.readStream(`accesslimited-${AGENCIES.hoanKiem}`)).map(
        (e) => e.data as AccessRateLimitedData,
      );
    // gathered per agency across citizens: the first at once, the rest held
    expect(await limited()).toHaveLength(1);

    await hub.app.close();
    const gathered = await limited();
    expect(gathered).toHaveLength(2);
    expect(gathered.reduce((n, d) => n + d.count, 0)).toBe(310);
    expect(gathered[1]!.subjects.listed).toContain(hub.pseudonymize('citizen', others[0]!));
    // held: 9 more about the first citizen, then the 300 others: 99 of them listed, 201 counted
    expect(gathered[1]!.subjects.listed).toHaveLength(100);
    expect(gathered[1]!.subjects.others).toBe(201);
    expect(await hub.accessEvents(others[0]!)).toEqual([]);
    const events = await accessEvents(2);
    expect(events.map((e) => (e.data as DataAccessDeniedData).reason)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    expect(counted(events)).toBe(60);
    const held = events[1]!.data as DataAccessDeniedData;
    expect(held.repeated).toMatchObject({ count: 59, lastAt: events[1]!.metadata.occurredAt });
    expect(Date.parse(held.repeated!.firstAt)).toBeLessThanOrEqual(Date.parse(held.repeated!.lastAt));
    expect(Date.parse(held.repeated!.firstAt)).toBeGreaterThanOrEqual(
      Date.parse(events[0]!.metadata.occurredAt),
    );
  });
});
