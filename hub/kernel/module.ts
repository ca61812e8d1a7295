import fs from 'node:fs';
import type { Command } from 'commander';
import type { GraphQLResolveInfo } from 'graphql';
import type { ProjectionDefinition } from './projection.js';

/**
 * A field resolver as a module writes it: `(parent, args, context, info)`, each parameter typed by
 * the module. Parameters are `never` here so that any such function fits; the GraphQL layer calls it
 * with the values graphql-js passes.
 */
export type FieldResolver = (parent: never, args: never, context: never, info: GraphQLResolveInfo) => unknown;

/** Resolvers by type name, then field name (`{ Query: { person }, Person: { … } }`). */
export type ModuleResolvers = Readonly<Record<string, Readonly<Record<string, FieldResolver>>>>;

/** A module's part of the GraphQL API. */
export interface GraphqlPart {
  /**
   * SDL: the module's types, and its root fields as `extend type Query { … }` /
   * `extend type Mutation { … }`. Every type, field and argument carries a description.
   */
  typeDefs: string;
  resolvers: ModuleResolvers;
}

/** What the operator CLI hands each module when it builds the `hub` program. */
export interface CliContext {
  /** Every read model the hub keeps (commands catch the ones they read up before reading). */
  projections: readonly ProjectionDefinition[];
  env: NodeJS.ProcessEnv;
}

/**
 * One capability of the hub, as its folder's `index.ts` describes it. The projection registry, the
 * GraphQL schema and resolvers and the operator CLI are built from the list of these
 * (`hub/modules/index.ts`), so a new capability is a new folder plus one line in that list.
 */
export interface HubModule {
  /** The folder name under `hub/modules/`, kebab-case. */
  name: string;
  /** Read models the module keeps; run by the projection runner in list order. */
  projections: readonly ProjectionDefinition[];
  graphql?: GraphqlPart;
  /** Adds the module's command group(s) to the `hub` program. */
  cli?: (program: Command, context: CliContext) => void;
}

/** Reads a module's SDL file (`new URL('./schema.graphql', import.meta.url)`). */
export const readSchemaFile = (file: URL): string => fs.readFileSync(file, 'utf8');
