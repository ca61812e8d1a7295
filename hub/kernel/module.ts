import fs from 'node:fs';
import type { Command } from 'commander';
import type { FastifyPluginAsync } from 'fastify';
import type { GraphQLResolveInfo } from 'graphql';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { EventStore } from './event-store.js';
import type { ProjectionDefinition } from './projection.js';
import type { ReadModelDb } from './read-model.js';

/**
 * A field resolver as a module writes it: `(parent, args, context, info)`, each parameter typed by
 * the module. Parameters are `never` here so that any such function fits; the GraphQL layer calls it
 * with the values graphql-js passes.
 */
export type FieldResolver = (parent: never, args: never, context: never, info: GraphQLResolveInfo) => unknown;

/**
 * A field of `Subscription`: `subscribe` returns an async iterator of payloads, `resolve` turns
 * each into the field's value (graphql-js' subscription protocol).
 */
export interface SubscriptionResolver {
  subscribe: FieldResolver;
  resolve?: FieldResolver;
}

/**
 * Resolvers by type name, then field name (`{ Query: { person }, Person: { … } }`); a
 * `Subscription` field's is a `SubscriptionResolver`.
 */
export type ModuleResolvers = Readonly<
  Record<string, Readonly<Record<string, FieldResolver | SubscriptionResolver>>>
>;

/**
 * An argument (or a member of an input argument) whose value is written into an event field: the
 * API checks it against that field's schema before the resolver runs, so the limit lives only in
 * the event schema (`schemas/events/`).
 */
export interface ArgumentLimit {
  /** `Type.field` of the schema, e.g. `Mutation.withdrawConsent`. */
  field: string;
  /** The argument, dotted into input objects: `reason`, `input.purposes`. */
  argument: string;
  /** The event type whose schema bounds it. */
  event: string;
  /** The event field (dotted path in its `data`). */
  path: string;
  /** Schema keywords not checked here because the writer handles them (e.g. it drops duplicates). */
  omit?: readonly string[];
}

/** A module's part of the GraphQL API. */
export interface GraphqlPart {
  /**
   * SDL: the module's types, and its root fields as `extend type Query { … }` /
   * `extend type Mutation { … }` / `extend type Subscription { … }`. Every type, field and
   * argument carries a description.
   */
  typeDefs: string;
  resolvers: ModuleResolvers;
  /** Every argument of the module's fields that reaches an event, with the event field bounding it. */
  argumentLimits?: readonly ArgumentLimit[];
}

/**
 * Settings of single modules that the app passes through to them (e.g. how often the consent
 * sweeper runs). A module adds its own by declaration merging
 * (`declare module '…/kernel/module.js' { interface ModuleSettings { … } }`); each is optional.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging in the modules
export interface ModuleSettings {}

/**
 * What the hub hands a module's plugin. The kernel names what it owns; the API layer adds what it
 * provides (the sealing handle, the event schemas, the GraphQL services) by declaration merging
 * (`hub/api/graphql/context.ts`), so a plugin reads only typed values.
 */
export interface ModuleHost {
  store: EventStore;
  /** The read-model connection of the process (shared with the projection runner). */
  readModels: ReadModelDb;
  config: Config;
  /** The API's clock (consent windows, receipts, release dates). */
  clock: Clock;
  /** The production profile. */
  production: boolean;
  settings: ModuleSettings;
}

/**
 * A module's fastify plugin, registered with the host by the API plugin for every module that has
 * one, in module-list order, after the store, read models, privacy and authentication. Wrap it in
 * `fastify-plugin` (named after the module) when its decorations or hooks must reach the app.
 */
export type ModulePlugin = FastifyPluginAsync<ModuleHost>;

/** What the operator CLI hands each module when it builds the `hub` program. */
export interface CliContext {
  /** Every read model the hub keeps (commands catch the ones they read up before reading). */
  projections: readonly ProjectionDefinition[];
  env: NodeJS.ProcessEnv;
}

/**
 * One capability of the hub, as its folder's `index.ts` describes it. The projection registry, the
 * modules' plugins, the GraphQL schema, resolvers and argument limits and the operator CLI are
 * built from the list of these
 * (`hub/modules/index.ts`), so a new capability is a new folder plus one line in that list.
 */
export interface HubModule {
  /** The folder name under `hub/modules/`, kebab-case. */
  name: string;
  /** Read models the module keeps; run by the projection runner in list order. */
  projections: readonly ProjectionDefinition[];
  /** Builds the module's services (e.g. for its resolvers) and hooks, in list order. */
  plugin?: ModulePlugin;
  graphql?: GraphqlPart;
  /** Adds the module's command group(s) to the `hub` program. */
  cli?: (program: Command, context: CliContext) => void;
}

/** Reads a module's SDL file (`new URL('./schema.graphql', import.meta.url)`). */
export const readSchemaFile = (file: URL): string => fs.readFileSync(file, 'utf8');
