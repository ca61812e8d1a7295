import type { GraphQLScalarType } from 'graphql';
import { ModuleConflictError } from '../../kernel/errors/index.js';
import { type HubModule, type ModuleResolvers, readSchemaFile } from '../../kernel/module.js';
import { graphql } from './kit/graphql-runtime.js';
import { jsonScalar } from './kit/json-scalar.js';

const { Kind } = graphql;

/** The API layer's part of the schema: the schema's description, the empty root types, shared scalars. */
export const BASE_SCHEMA_FILE = new URL('./schema.graphql', import.meta.url);
/** The `Subscription` root type, added when a module extends it (an object type needs a field). */
export const SUBSCRIPTION_SCHEMA_FILE = new URL('./subscription.graphql', import.meta.url);

type Resolvers = Record<string, Record<string, ModuleResolvers[string][string]>>;

/** Scalars the API implements for every module, bound when the schema declares them. */
const SCALARS: Readonly<Record<string, GraphQLScalarType>> = { JSON: jsonScalar };

/** The schema (SDL) and resolvers of the whole API, as mercurius takes them. */
export interface ComposedApi {
  schema: string;
  resolvers: Record<string, Resolvers[string] | GraphQLScalarType>;
  /** Whether a module has `Subscription` fields (served over WebSocket). */
  subscriptions: boolean;
}

/** Names of the scalars an SDL document declares. */
const declaredScalars = (sdl: string): string[] =>
  graphql
    .parse(sdl)
    .definitions.flatMap((d) => (d.kind === Kind.SCALAR_TYPE_DEFINITION ? [d.name.value] : []));

/** `Type.field` for every field an SDL document defines or extends (object types only). */
function definedFields(sdl: string): string[] {
  const out: string[] = [];
  for (const definition of graphql.parse(sdl).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) {
      continue;
    }
    for (const field of definition.fields ?? []) out.push(`${definition.name.value}.${field.name.value}`);
  }
  return out;
}

/**
 * Joins the base schema and every module's GraphQL part into one schema and one resolver map
 * (per type, then per field). Throws `ModuleConflictError` when two modules define the same field
 * or resolve the same one, naming both, so the hub never starts with one silently shadowing the other.
 */
export function composeGraphql(
  modules: readonly HubModule[],
  base: string = readSchemaFile(BASE_SCHEMA_FILE),
): ComposedApi {
  const claims = {
    'graphql-field': new Map<string, string>(),
    'graphql-resolver': new Map<string, string>(),
  };
  const claim = (part: keyof typeof claims, field: string, module: string) => {
    const owner = claims[part].get(field);
    if (owner !== undefined) throw new ModuleConflictError(part, field, [owner, module]);
    claims[part].set(field, module);
  };
  for (const field of definedFields(base)) claim('graphql-field', field, 'api');

  const parts = [base];
  const resolvers: Resolvers = {};
  let subscriptions = false;
  for (const module of modules) {
    if (!module.graphql) continue;
    parts.push(module.graphql.typeDefs);
    for (const field of definedFields(module.graphql.typeDefs)) {
      claim('graphql-field', field, module.name);
      if (field.startsWith('Subscription.')) subscriptions = true;
    }
    for (const [type, fields] of Object.entries(module.graphql.resolvers)) {
      const merged = resolvers[type] ?? {};
      resolvers[type] = merged;
      for (const [name, resolve] of Object.entries(fields)) {
        claim('graphql-resolver', `${type}.${name}`, module.name);
        merged[name] = resolve;
      }
    }
  }
  const scalars = Object.fromEntries(
    declaredScalars(base).flatMap((name) => (SCALARS[name] ? [[name, SCALARS[name]]] : [])),
  );
  if (subscriptions) parts.splice(1, 0, readSchemaFile(SUBSCRIPTION_SCHEMA_FILE));
  return { schema: parts.join('\n'), resolvers: { ...resolvers, ...scalars }, subscriptions };
}
