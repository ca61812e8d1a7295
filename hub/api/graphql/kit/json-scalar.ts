import { graphql } from './graphql-runtime.js';

/**
 * `JSON`: any JSON value, passed through as is (output: the value; input: a variable's value or an
 * inline literal turned into plain data). Declared in the API's base schema, so every module may use it.
 */
export const jsonScalar = new graphql.GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value: object, array, string, number, boolean or null.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => graphql.valueFromASTUntyped(ast, variables),
});
