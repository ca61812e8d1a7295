import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEvent } from '../../eventstore/conformance.js';
import { StorageFullError } from '../../kernel/errors/index.js';
import { buildMetadata } from '../../kernel/metadata.js';
import { AGENCIES, startTestHub, type TestHub } from '../../testing/hub.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ citizens: 4 });
}, 60_000);
afterAll(async () => hub?.close());

const BIRTH = 'tthc-1.001193';
const pid = (i: number) => hub.citizens[i]!.personalId as string;
const codes = (res: { errors?: { extensions: { code: string } }[] }) =>
  res.errors?.map((e) => e.extensions.code);

/** Appends filler, in smaller and smaller events, until the store has no room left: a full disk. */
async function fillStore(): Promise<void> {
  const { size } = fs.statSync(path.join(hub.dir, 'events.db'));
  hub.raw.setSizeLimit(size + 64 * 1024);
  let revision: number | 'no_stream' = 'no_stream';
  for (const pad of [4000, 400, 40, 1]) {
    for (;;) {
      try {
        const event = testEvent('FillerAppended', { pad: 'x'.repeat(pad) });
        revision = (await hub.raw.append('filler-1', [event], { expectedRevision: revision }))
          .nextExpectedRevision;
      } catch (error) {
        if (error instanceof StorageFullError) break;
        throw error;
      }
    }
  }
}

const accessCount = async (i: number) => (await hub.accessEvents(pid(i))).length;

describe('limits, enforced before any resolver runs', () => {
  it('refuses too many aliases, too deep or too costly queries with BAD_USER_INPUT and records nothing', async () => {
    const token = await hub.token(AGENCIES.baDinh, 'consumer');
    const person = (alias: string) =>
      `${alias}: person(personalId: "${pid(0)}", purpose: "${BIRTH}") { fullName }`;
    const aliases = await hub.gql(
      token,
      `{ ${Array.from({ length: 11 }, (_, i) => person(`p${i}`)).join(' ')} }`,
    );
    expect(codes(aliases)).toEqual(['BAD_USER_INPUT']);
    expect(aliases.errors![0]!.extensions.limit).toEqual({ name: 'aliases', max: 10, actual: 11 });
    expect(aliases.status).toBe(400);

    const fragments = `fragment A on Person { fullName release { sources { field eventId } } }
      { person(personalId: "${pid(0)}", purpose: "${BIRTH}") { ...A ...A } }`;
    expect((await hub.gql(token, fragments)).errors).toBeUndefined();

    const fields = 'id consumer purposes dossier validFrom validUntil status grantedAt withdrawnAt receiptId';
    const costly = `fragment C on Consent { ${fields} scope { dataset fields } }
      { consentsGivenToMe { ${'...C '.repeat(20)} } }`;
    const cost = await hub.gql(token, costly);
    expect(cost.errors![0]!.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      limit: { name: 'cost', max: 200 },
    });
    expect(await accessCount(0)).toBe(1);
  });

  it('refuses nesting deeper than the limit', async () => {
    const token = await hub.token(AGENCIES.inspector, 'inspector');
    const fragment = 'fragment F on Query { accessLog(personalId: "000000000000") { id } }';
    const nested = `${fragment} { ...F }`;
    expect((await hub.gql(token, nested)).errors).toBeUndefined();
    const rule = (await import('./limits.js')).queryLimitsRule;
    const { parse, validate, buildSchema } = await import('graphql');
    const schema = buildSchema('type Query { a: A } type A { a: A, x: Int }');
    const query = `{ ${'a { '.repeat(9)}x${' }'.repeat(9)} }`;
    const errors = validate(schema, parse(query), [
      rule({ maxDepth: 8, maxAliases: 10, maxCost: 200, maxBodyBytes: 1 }),
    ]);
    expect(errors.map((e) => e.extensions.limit)).toEqual([{ name: 'depth', max: 8, actual: 10 }]);
  });

  it('refuses bodies over the size limit and batched queries', async () => {
    const token = await hub.token(AGENCIES.baDinh, 'consumer');
    const big = await hub.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { authorization: `Bearer ${token}` },
      payload: { query: `{ myContracts(dataset: "${'x'.repeat(40_000)}") { id } }` },
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const batch = await hub.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { authorization: `Bearer ${token}` },
      payload: [
        { query: '{ myContracts(dataset: "population") { id } }' },
        { query: '{ myConsents { id } }' },
      ],
    });
    expect(batch.statusCode).toBe(400);
    expect(batch.json().errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('errors', () => {
  it('carry a stable code and never a stack trace', async () => {
    const none = await hub.gql(null, `{ person(personalId: "${pid(1)}", purpose: "${BIRTH}") { fullName } }`);
    expect(none.status).toBe(401);
    expect(codes(none)).toEqual(['UNAUTHENTICATED']);
    const forged = await hub.gql('eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0.', '{ myConsents { id } }');
    expect(forged.status).toBe(401);
    expect(codes(forged)).toEqual(['UNAUTHENTICATED']);
    const token = await hub.token(AGENCIES.baDinh, 'consumer');
    const badInput = await hub.gql(token, `{ person(personalId: "12", purpose: "${BIRTH}") { fullName } }`);
    expect(codes(badInput)).toEqual(['BAD_USER_INPUT']);
    const syntax = await hub.gql(token, '{ person(');
    expect(codes(syntax)).toEqual(['BAD_USER_INPUT']);
    const wrongRole = await hub.gql(token, '{ myConsents { id } }');
    expect(codes(wrongRole)).toEqual(['FORBIDDEN']);
    for (const res of [none, forged, badInput, syntax, wrongRole]) {
      expect(JSON.stringify(res)).not.toMatch(/\bat .*\.(ts|js):\d+|stack/);
    }
    expect(await accessCount(1)).toBe(0);
  });

  it('fails the request, releasing nothing, when the access record cannot be written', async () => {
    const token = await hub.token(AGENCIES.baDinh, 'consumer');
    await fillStore();
    try {
      const res = await hub.gql(
        token,
        `{ person(personalId: "${pid(2)}", purpose: "${BIRTH}") { fullName } }`,
      );
      expect(codes(res)).toEqual(['INTERNAL']);
      expect(res.data).toEqual({ person: null });
      expect(JSON.stringify(res)).not.toContain(String(hub.citizens[2]!.fullName));
    } finally {
      hub.raw.setSizeLimit(undefined);
    }
    expect(await accessCount(2)).toBe(0);
    const again = await hub.gql(
      token,
      `{ person(personalId: "${pid(2)}", purpose: "${BIRTH}") { fullName } }`,
    );
    expect(again.data).toEqual({ person: { fullName: hub.citizens[2]!.fullName } });
  });

  it('lets an inspector trace every access and refusal of a citizen, an operator’s too', async () => {
    const consumer = await hub.token(AGENCIES.baDinh, 'consumer');
    await hub.gql(consumer, `{ person(personalId: "${pid(3)}", purpose: "${BIRTH}") { gender } }`);
    await hub.gql(consumer, `{ person(personalId: "${pid(3)}", purpose: "marketing") { gender } }`);
    // An operator shown the sealed record outside the API (the connector CLI's `records --reveal`).
    const subject = hub.pseudonymize('citizen', pid(3));
    const seen = await hub.accessEvents(pid(3));
    await hub.store.append(
      `access-${subject}`,
      [
        {
          id: randomUUID(),
          type: 'DataAccessedByOperator',
          data: {
            caller: { agency: '000.00.00.G12', official: 'VP-07', role: 'operator', tokenId: 't-1' },
            subject,
            dataset: 'population',
            fields: ['fullName'],
            purpose: 'identity conflict',
            record: { eventId: randomUUID(), stream: `record-population-${subject}`, revision: 0 },
            tool: 'connector records',
          },
          metadata: buildMetadata({
            occurredAt: new Date(),
            actor: { kind: 'operator', id: '000.00.00.G12', official: 'VP-07' },
            correlationId: randomUUID(),
          }),
        },
      ],
      { expectedRevision: seen.at(-1)!.revision },
    );
    const inspector = await hub.token(AGENCIES.inspector, 'inspector');
    const log = await hub.gql(
      inspector,
      `{ accessLog(personalId: "${pid(3)}") { outcome agency purpose fields reason contractId } }`,
    );
    expect(log.data!.accessLog).toEqual([
      {
        outcome: 'RELEASED',
        agency: AGENCIES.baDinh,
        purpose: BIRTH,
        fields: ['gender'],
        reason: null,
        contractId: 'c06-to-ba-dinh-birth-registration',
      },
      {
        outcome: 'DENIED',
        agency: AGENCIES.baDinh,
        purpose: 'marketing',
        fields: ['gender'],
        reason: 'PURPOSE_NOT_ALLOWED',
        contractId: null,
      },
      {
        outcome: 'OPERATOR',
        agency: '000.00.00.G12',
        purpose: 'identity conflict',
        fields: ['fullName'],
        reason: null,
        contractId: null,
      },
    ]);
    expect(codes(await hub.gql(consumer, `{ accessLog(personalId: "${pid(3)}") { id } }`))).toEqual([
      'FORBIDDEN',
    ]);
  });
});

describe('profiles', () => {
  it('serves GraphiQL and introspection in development only', async () => {
    const token = await hub.token(AGENCIES.baDinh, 'consumer');
    expect((await hub.app.inject({ url: '/graphiql' })).statusCode).toBe(200);
    expect((await hub.gql(token, '{ __schema { queryType { name } } }')).errors).toBeUndefined();
    const prod = await startTestHub({ citizens: 1, production: true });
    try {
      expect((await prod.app.inject({ url: '/graphiql' })).statusCode).toBe(404);
      const res = await prod.gql(
        await prod.token(AGENCIES.baDinh, 'consumer'),
        '{ __schema { queryType { name } } }',
      );
      expect(new Set(codes(res))).toEqual(new Set(['BAD_USER_INPUT']));
      expect(res.errors![0]!.message).toMatch(/introspection/i);
    } finally {
      await prod.close();
    }
  }, 60_000);
});
