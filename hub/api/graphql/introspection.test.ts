import type { IntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubModules } from '../../modules/index.js';
import { AGENCIES, startTestHub, type TestHub } from '../../testing/hub.js';
import { composeGraphql } from './compose.js';
import { graphql } from './kit/graphql-runtime.js';
import { DEFAULT_LIMITS, queryLimitsRule } from './limits.js';

const { buildClientSchema, buildSchema, getIntrospectionQuery, parse, specifiedRules, validate } = graphql;

/** What GraphiQL 3 sends on load (every option it can ask for). */
const FULL_INTROSPECTION = getIntrospectionQuery({
  descriptions: true,
  specifiedByUrl: true,
  directiveIsRepeatable: true,
  schemaDescription: true,
  inputValueDeprecation: true,
  oneOf: true,
});

/** An introspection selection nine levels deep: deeper than the limit of 8 on its own. */
const DEEP_SCHEMA =
  '__schema { types { name fields { name type { name ofType { name ofType { name ofType { ofType { name } } } } } } } }';

let dev: TestHub;
let prod: TestHub;
beforeAll(async () => {
  [dev, prod] = await Promise.all([
    startTestHub({ citizens: 1 }),
    startTestHub({ citizens: 1, production: true }),
  ]);
}, 60_000);
afterAll(async () => Promise.all([dev?.close(), prod?.close()]));

const codes = (res: { errors?: { extensions: { code: string } }[] }) =>
  res.errors?.map((e) => e.extensions.code);

describe('introspection outside production', () => {
  it('answers the standard introspection query, and buildClientSchema accepts the result', async () => {
    const token = await dev.token(AGENCIES.baDinh, 'consumer');
    for (const query of [getIntrospectionQuery(), FULL_INTROSPECTION]) {
      const res = await dev.gql(token, query);
      expect(res.errors).toBeUndefined();
      const schema = buildClientSchema(res.data as unknown as IntrospectionQuery);
      expect(Object.keys(schema.getQueryType()!.getFields())).toContain('person');
      expect(
        schema
          .getMutationType()!
          .getFields()
          .grantConsent!.args.map((a) => a.name),
      ).toEqual(['input']);
    }
  });

  it('still limits aliases of an introspection-only operation', async () => {
    const token = await dev.token(AGENCIES.baDinh, 'consumer');
    const aliased = Array.from({ length: 11 }, (_, i) => `s${i}: __schema { queryType { name } }`).join(' ');
    const res = await dev.gql(token, `{ ${aliased} }`);
    expect(res.status).toBe(400);
    expect(res.errors![0]!.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      limit: { name: 'aliases', max: 10, actual: 11 },
    });
  });

  it('limits an operation that mixes introspection with data fields as any other', async () => {
    const token = await dev.token(AGENCIES.baDinh, 'consumer');
    const alone = await dev.gql(token, `{ ${DEEP_SCHEMA} }`);
    expect(alone.errors).toBeUndefined();

    const mixed = await dev.gql(token, `{ ${DEEP_SCHEMA} myContracts(dataset: "population") { id } }`);
    expect(mixed.status).toBe(400);
    expect(mixed.errors!.map((e) => e.extensions)).toEqual([
      expect.objectContaining({ code: 'BAD_USER_INPUT', limit: { name: 'depth', max: 8, actual: 9 } }),
    ]);

    const viaFragment = await dev.gql(
      token,
      `fragment Meta on Query { ${DEEP_SCHEMA} } { ...Meta myContracts(dataset: "population") { id } }`,
    );
    expect(codes(viaFragment)).toEqual(['BAD_USER_INPUT']);
    expect(viaFragment.errors![0]!.extensions.limit).toMatchObject({ name: 'depth' });
  });

  it('keeps the cost limit on ordinary queries', async () => {
    const token = await dev.token(AGENCIES.baDinh, 'consumer');
    const fields = Array.from({ length: 201 }, () => '__typename').join(' ');
    const res = await dev.gql(token, `{ myContracts(dataset: "population") { ${fields} } }`);
    expect(res.errors![0]!.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      limit: { name: 'cost', max: 200, actual: 202 },
    });
  });

  it('keeps the depth limit on ordinary queries (the rule on its own, a lower limit)', () => {
    const schema = buildSchema(composeGraphql(hubModules).schema);
    const rule = queryLimitsRule({ ...DEFAULT_LIMITS, maxDepth: 2 }, { introspection: true });
    const errors = (query: string) =>
      validate(schema, parse(query), [...specifiedRules, rule])
        .map((e) => e.extensions.limit)
        .filter(Boolean);

    expect(errors('{ person(personalId: "1", purpose: "p") { release { contractId } } }')).toEqual([
      { name: 'depth', max: 2, actual: 3 },
    ]);
    expect(errors('{ __typename ... on Query { __type(name: "Person") { fields { name } } } }')).toEqual([]);
    // A fragment cycle is reported by the standard rules; the limits rule neither loops nor exempts it.
    expect(errors('fragment Loop on Query { ...Loop } { ...Loop }')).toEqual([]);
    expect(errors(FULL_INTROSPECTION)).toEqual([]);
    // Without the option (the production setting) introspection gets no exemption.
    const strict = queryLimitsRule({ ...DEFAULT_LIMITS, maxDepth: 2 });
    expect(validate(schema, parse(FULL_INTROSPECTION), [strict]).map((e) => e.extensions.limit)).toEqual([
      expect.objectContaining({ name: 'depth', max: 2 }),
      expect.objectContaining({ name: 'cost', max: 200 }),
    ]);
  });
});

describe('introspection in production', () => {
  it('refuses the standard introspection query', async () => {
    const res = await prod.gql(await prod.token(AGENCIES.baDinh, 'consumer'), getIntrospectionQuery());
    expect(res.status).toBe(400);
    expect(new Set(codes(res))).toEqual(new Set(['BAD_USER_INPUT']));
    expect(res.errors!.some((e) => /introspection/i.test(e.message))).toBe(true);
    expect(res.data ?? null).toBeNull();
  });
});
