import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventValidator } from '../../events/validator.js';
import { AGENCIES, startTestHub, type TestHub } from '../../testing/hub.js';

let hub: TestHub;
let consumer: string;
beforeAll(async () => {
  hub = await startTestHub({ citizens: 3 });
  consumer = await hub.token(AGENCIES.baDinh, 'consumer');
}, 60_000);
afterAll(async () => hub?.close());

const BIRTH = 'tthc-1.001193';
const pid = (i: number) => hub.citizens[i]!.personalId as string;
const schemas = createEventValidator();
const maxOf = (type: string, field: string) =>
  schemas.dataSchema(type)!.properties[field].maxLength as number;

interface Answer {
  status: number;
  body: { data?: unknown; errors?: { message: string; extensions: Record<string, unknown> }[] };
}

async function post(token: string | null, payload: string, headers: Record<string, string> = {}) {
  const res = await hub.app.inject({
    method: 'POST',
    url: '/graphql',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    payload,
  });
  return { status: res.statusCode, body: res.json() } as Answer;
}

async function get(token: string | null, query: string) {
  const res = await hub.app.inject({
    method: 'GET',
    url: `/graphql?${query}`,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: res.statusCode, body: res.json() } as Answer;
}

const personQuery = (args: string) => `{ person(personalId: "${pid(0)}", ${args}) { fullName } }`;

const accessEvents = (i: number) => hub.accessEvents(pid(i));

describe('bad input is BAD_USER_INPUT naming the field, on every attempt', () => {
  const cases: [string, () => Promise<Answer>, string, number][] = [
    ['query is a number', () => post(consumer, '{"query":5}'), 'query', 400],
    ['query is an array', () => post(consumer, '{"query":["{ __typename }"]}'), 'query', 400],
    ['query is an object', () => post(consumer, '{"query":{"a":1}}'), 'query', 400],
    ['query is missing', () => post(consumer, '{}'), 'query', 400],
    ['body is not JSON', () => post(consumer, '{"query":'), 'body', 400],
    ['body is a JSON string', () => post(consumer, '"{ __typename }"'), 'body', 400],
    ['batched queries', () => post(consumer, '[{"query":"{ __typename }"}]'), 'body', 400],
    [
      'unknown operationName',
      () => post(consumer, JSON.stringify({ query: 'query A { __typename }', operationName: 'B' })),
      'operationName',
      400,
    ],
    [
      'operationName is a number',
      () => post(consumer, JSON.stringify({ query: 'query A { __typename }', operationName: 5 })),
      'operationName',
      400,
    ],
    [
      'variables is a string',
      () => post(consumer, JSON.stringify({ query: '{ __typename }', variables: 'x' })),
      'variables',
      400,
    ],
    [
      'String! variable given a number',
      () =>
        post(
          consumer,
          JSON.stringify({
            query: `query Q($p: String!) { person(personalId: $p, purpose: "${BIRTH}") { fullName } }`,
            variables: { p: 5 },
          }),
        ),
      '$p',
      400,
    ],
    [
      'Int variable given a string',
      () =>
        post(
          consumer,
          JSON.stringify({
            query: 'query Q($n: Int) { accessLog(personalId: "000000000000", first: $n) { id } }',
            variables: { n: 'many' },
          }),
        ),
      '$n',
      400,
    ],
    [
      'input variable with a wrong member',
      () =>
        post(
          consumer,
          JSON.stringify({
            query: 'mutation M($i: GrantConsentInput!) { grantConsent(input: $i) { receipt } }',
            variables: { i: { consumer: 'x', purposes: [7], scope: [], validUntil: 'x' } },
          }),
        ),
      '$i',
      400,
    ],
    [
      'argument of the wrong type',
      () => post(consumer, JSON.stringify({ query: '{ accessLog(personalId: 5) { id } }' })),
      'query',
      400,
    ],
    [
      'missing argument',
      () => post(consumer, JSON.stringify({ query: '{ person(personalId: "1") { fullName } }' })),
      'purpose',
      400,
    ],
    ['syntax error', () => post(consumer, JSON.stringify({ query: '{ person(' })), 'query', 400],
    ['GET without a query', () => get(consumer, ''), 'query', 400],
    ['GET with two queries', () => get(consumer, 'query=a&query=b'), 'query', 400],
    [
      'GET with variables not JSON',
      () => get(consumer, 'query=%7B__typename%7D&variables=x'),
      'variables',
      400,
    ],
    [
      'GET with variables an array',
      () => get(consumer, 'query=%7B__typename%7D&variables=%5B%5D'),
      'variables',
      400,
    ],
    [
      'GET with extensions not JSON',
      () => get(consumer, 'query=%7B__typename%7D&extensions=%7B'),
      'extensions',
      400,
    ],
    [
      'POST with extensions a string',
      () => post(consumer, JSON.stringify({ query: '{ __typename }', extensions: 'x' })),
      'extensions',
      400,
    ],
    [
      'a person query selecting no data field',
      () =>
        post(
          consumer,
          JSON.stringify({
            query: personQuery('purpose: "tthc-1.001193"').replace('fullName', 'release { accessId }'),
          }),
        ),
      'person',
      200,
    ],
    [
      'a personal id that is not 12 digits',
      () =>
        post(
          consumer,
          JSON.stringify({
            query: personQuery(`purpose: "${BIRTH}"`).replace(pid(0), '12345'),
          }),
        ),
      'personalId',
      200,
    ],
    [
      'purpose longer than an access record holds',
      () =>
        post(
          consumer,
          JSON.stringify({
            query: personQuery(`purpose: "${'p'.repeat(maxOf('DataAccessed', 'purpose') + 1)}"`),
          }),
        ),
      'purpose',
      200,
    ],
    [
      'dossier longer than an access record holds',
      () =>
        post(
          consumer,
          JSON.stringify({
            query: personQuery(
              `purpose: "${BIRTH}", dossier: "${'d'.repeat(maxOf('DataAccessed', 'dossier') + 1)}"`,
            ),
          }),
        ),
      'dossier',
      200,
    ],
  ];

  for (const [name, send, field, status] of cases) {
    it(name, async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        const res = await send();
        expect(res.status, `attempt ${attempt}`).toBe(status);
        expect(res.body.errors?.map((e) => e.extensions.code)).toEqual(['BAD_USER_INPUT']);
        const ext = res.body.errors![0]!.extensions;
        if (field === 'query' && typeof ext.field !== 'string') continue; // validation errors point by location
        expect(ext.field, `attempt ${attempt}: ${res.body.errors![0]!.message}`).toBe(field);
      }
    });
  }

  it('says which limit an over-long argument broke', async () => {
    const max = maxOf('DataAccessed', 'purpose');
    const res = await post(
      consumer,
      JSON.stringify({ query: personQuery(`purpose: "${'p'.repeat(max + 5)}"`) }),
    );
    expect(res.body.errors![0]!.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'purpose',
      limit: { name: 'length', max, actual: max + 5 },
    });
  });
});

describe('refusals of an authenticated caller are recorded', () => {
  it('records an over-long purpose or dossier as DataAccessDenied, cut to what the event holds', async () => {
    const purposeMax = maxOf('DataAccessDenied', 'purpose');
    const dossierMax = maxOf('DataAccessDenied', 'dossier');
    const before = (await accessEvents(1)).length;
    const long = `${'ả'.repeat(purposeMax)}tail`;
    const query = `{ person(personalId: "${pid(1)}", purpose: "${long}", dossier: "${'d'.repeat(dossierMax + 1)}") { fullName } }`;
    const res = await post(consumer, JSON.stringify({ query }));
    expect(res.body.errors![0]!.extensions.code).toBe('BAD_USER_INPUT');
    const events = (await accessEvents(1)).slice(before);
    expect(events.map((e) => e.type)).toEqual(['DataAccessDenied']);
    expect(events[0]!.data).toMatchObject({
      reason: 'BAD_USER_INPUT',
      purpose: 'ả'.repeat(purposeMax),
      dossier: 'd'.repeat(dossierMax),
      truncated: ['purpose', 'dossier'],
    });
  });

  it('refuses an official id longer than an access record holds as UNAUTHENTICATED, never INTERNAL', async () => {
    const max = schemas.dataSchema('DataAccessed')!.$defs.caller.properties.official.maxLength as number;
    const long = await hub.token(AGENCIES.baDinh, 'consumer', { official: 'o'.repeat(max + 1) });
    const ok = await hub.token(AGENCIES.baDinh, 'consumer', { official: 'o'.repeat(max) });
    for (let attempt = 0; attempt < 2; attempt++) {
      const res = await hub.gql(long, personQuery(`purpose: "${BIRTH}"`));
      expect(res.status).toBe(401);
      expect(res.errors!.map((e) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);
      expect(res.errors![0]!.extensions.reason).toBe(`sub longer than ${max} characters`);
    }
    expect((await hub.gql(ok, personQuery(`purpose: "${BIRTH}"`))).errors).toBeUndefined();
  });
});

describe('a caller without a valid token learns nothing about the schema', () => {
  const probes: [string, () => Promise<Answer>][] = [
    ['a misspelt field', () => post(null, JSON.stringify({ query: '{ persn { x } }' }))],
    ['a syntax error', () => post(null, JSON.stringify({ query: '{ person(' }))],
    ['a query that is a number', () => post(null, '{"query":5}')],
    ['a body that is not JSON', () => post(null, '{"query":')],
    ['a body over the size limit', () => post(null, JSON.stringify({ query: `{ ${'x'.repeat(64_000)} }` }))],
    ['a GET with a misspelt field', () => get(null, 'query=%7Bpersn%7D')],
    [
      'an introspection query',
      () => post(null, JSON.stringify({ query: '{ __schema { types { name } } }' })),
    ],
    [
      'a forged token',
      () => post('eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0.', JSON.stringify({ query: '{ persn }' })),
    ],
  ];
  for (const [name, send] of probes) {
    it(`401 for ${name}`, async () => {
      const res = await send();
      expect(res.status).toBe(401);
      expect(res.body.errors!.map((e) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);
      expect(JSON.stringify(res.body)).not.toMatch(/person|Did you mean|Cannot query|Syntax|__schema|Query/);
    });
  }
});

describe('suggestions', () => {
  it('are given in development and never in production, even to authenticated callers', async () => {
    const probes = [
      '{ persn(personalId: "1", purpose: "x") { fullName } }',
      `{ person(personalId: "1", purpos: "x") { fullName } }`,
      `{ person(personalId: "1", purpose: "x") { fullNam } }`,
      'mutation { grantConsent(input: { consumr: "x" }) { receipt } }',
    ];
    for (const query of probes) {
      const dev = await hub.gql(consumer, query);
      expect(dev.errors!.some((e) => e.message.includes('Did you mean'))).toBe(true);
    }
    const prod = await startTestHub({ citizens: 1, production: true });
    try {
      const token = await prod.token(AGENCIES.baDinh, 'consumer');
      for (const query of probes) {
        const res = await prod.gql(token, query);
        expect(res.errors!.length).toBeGreaterThan(0);
        expect(res.errors!.map((e) => e.extensions.code)).toContain('BAD_USER_INPUT');
        expect(JSON.stringify(res)).not.toContain('Did you mean');
      }
    } finally {
      await prod.close();
    }
  }, 60_000);
});
