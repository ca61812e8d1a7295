import type { GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { HubModule } from '../../kernel/module.js';
import { hubModules } from '../../modules/index.js';
import { composeGraphql } from './compose.js';
import { graphql } from './kit/graphql-runtime.js';

const { isEnumType, isInputObjectType, isInterfaceType, isObjectType, isSpecifiedScalarType } = graphql;

const blank = (description: string | null | undefined) => !description?.trim();

/** Every type, field, argument, input field and enum value of `schema` without a description. */
function undocumented(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || isSpecifiedScalarType(type)) continue;
    if (blank(type.description)) missing.push(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (blank(field.description)) missing.push(`${type.name}.${field.name}`);
        for (const arg of field.args) {
          if (blank(arg.description)) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (blank(field.description)) missing.push(`${type.name}.${field.name}`);
      }
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) {
        if (blank(value.description)) missing.push(`${type.name}.${value.name}`);
      }
    }
  }
  return missing;
}

const build = (modules: readonly HubModule[]) => graphql.buildSchema(composeGraphql(modules).schema);

describe('the API schema', () => {
  it('describes every type, field, argument, input field and enum value, the root types included', () => {
    const schema = build(hubModules);
    expect(schema.getQueryType()?.description).toMatch(/\w/);
    expect(schema.getMutationType()?.description).toMatch(/\w/);
    expect(undocumented(schema)).toEqual([]);
  });

  it('finds what a module leaves undescribed', () => {
    const careless: HubModule = {
      name: 'careless',
      projections: [],
      graphql: {
        typeDefs: `
          extend type Query { "Described." thing(id: ID!, "Described." kind: Kind): Thing }
          type Thing { "Described." id: ID! name: String }
          "Described." enum Kind { "Described." A B }
          input Filter { "Described." a: Int b: Int }
          extend type Mutation { "Described." mark("Described." filter: Filter): Boolean }`,
        resolvers: {},
      },
    };
    expect(undocumented(build([...hubModules, careless])).sort()).toEqual(
      ['Filter', 'Filter.b', 'Kind.B', 'Query.thing(id)', 'Thing', 'Thing.name'].sort(),
    );
  });
});
