import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import mercurius, { type IResolvers } from 'mercurius';
import type { Logger } from 'pino';
import type { Authenticator } from '../../auth/authenticator.js';
import { AGENCY_AUTH } from '../../auth/plugin.js';
import { createEventValidator, type EventValidator } from '../../events/validator.js';
import type { Config } from '../../kernel/config.js';
import {
  AuthUnauthenticatedError,
  ModuleConflictError,
  ModuleServiceMissingError,
} from '../../kernel/errors/index.js';
import type { EventStore } from '../../kernel/event-store.js';
import type { HubModule, ModuleHost, ModuleSettings } from '../../kernel/module.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import { hubModules } from '../../modules/index.js';
import type { SubjectKeyStore } from '../../privacy/key-store.js';
import type { Pseudonymizer } from '../../privacy/pseudonym.js';
import { graphiqlPlugin } from '../graphiql/plugin.js';
import { argumentLimitsOf, enforceArgumentLimits } from './argument-limits.js';
import { composeGraphql } from './compose.js';
import { checkRequestShape, requireCaller } from './edge.js';
import { formatErrors } from './errors.js';
import type { ApiServiceRegistry, ApiServices } from './kit/context.js';
import { graphql } from './kit/graphql-runtime.js';
import { DEFAULT_LIMITS, type QueryLimits, queryLimitsRule } from './limits.js';
import { guardSubscriptions, type SubscriptionSetup, subscriptionOptions } from './subscriptions.js';

export interface GraphqlApiOptions {
  config: Config;
  /** Verifies agency tokens (the auth plugin's): subscriptions verify theirs on `connection_init`. */
  authenticate: Authenticator;
  store: EventStore;
  /** The read-model database (records, consents). */
  readModels: ReadModelDb;
  keys: SubjectKeyStore;
  pseudonymize: Pseudonymizer;
  /** Production: no introspection, no GraphiQL. */
  production: boolean;
  limits?: Partial<QueryLimits>;
  clock?: () => Date;
  /** Settings passed through to the modules' plugins (e.g. `consentSweepMs`). */
  settings?: ModuleSettings;
  /**
   * Modules whose plugins, GraphQL parts and argument limits make up the API, in this order.
   * Default: every module of the hub (`hubModules`).
   */
  modules?: readonly HubModule[];
  /**
   * The compiled event schemas the store validates with: the limits on what a caller may send are
   * read from them. Default: `createEventValidator()` (the repository's schemas/).
   */
  eventSchemas?: EventValidator;
}

/**
 * The services of the GraphQL context, filled by the API (the base services) and then by each
 * module's plugin in list order; a plugin sees what the base and earlier modules provided.
 */
function serviceRegistry(base: Pick<ApiServices, 'store' | 'readModels' | 'pseudonymize' | 'clock'>) {
  const services: Partial<ApiServices> = { ...base };
  const providers = new Map<string, string>(Object.keys(base).map((name) => [name, 'api']));
  const forModule = (module: string): ApiServiceRegistry => ({
    provide(name, service) {
      const owner = providers.get(name);
      if (owner !== undefined) throw new ModuleConflictError('api-service', name, [owner, module]);
      providers.set(name, module);
      services[name] = service;
    },
    get(name) {
      if (!providers.has(name)) throw new ModuleServiceMissingError(name, module);
      return services[name] as ApiServices[typeof name];
    },
    has: (name) => providers.has(name),
  });
  // every service a resolver reads was provided by the module that declared it, or the API
  return { forModule, services: services as ApiServices };
}

/**
 * The consented GraphQL API at `/graphql` (GraphiQL at `/graphiql` outside production), after the
 * modules' plugins (registered in list order with what they need: store, read models, sealing,
 * clock, config, the GraphQL services). Expects `request.principal` from the auth plugin.
 * Limits on body size, depth, aliases and cost apply before any resolver runs; batched queries
 * are refused.
 */
export const graphqlApiPlugin = fp<GraphqlApiOptions>(
  async (app: FastifyInstance, options) => {
    const log = app.log.child({ module: 'graphql' }) as Logger;
    const limits = { ...DEFAULT_LIMITS, ...options.limits };
    const clock = options.clock ?? (() => new Date());
    const eventSchemas = options.eventSchemas ?? createEventValidator();
    const modules = options.modules ?? hubModules;
    const registry = serviceRegistry({
      store: options.store,
      readModels: options.readModels,
      pseudonymize: options.pseudonymize,
      clock,
    });
    for (const module of modules) {
      if (!module.plugin) continue;
      const host: ModuleHost = {
        store: options.store,
        readModels: options.readModels,
        config: options.config,
        clock,
        production: options.production,
        settings: options.settings ?? {},
        keys: options.keys,
        pseudonymize: options.pseudonymize,
        eventSchemas,
        log,
        services: registry.forModule(module.name),
      };
      await app.register(module.plugin, host);
    }
    const services = registry.services;

    const api = composeGraphql(modules);
    const rules = [
      queryLimitsRule(limits, { introspection: !options.production }),
      ...(options.production ? [graphql.NoSchemaIntrospectionCustomRule] : []),
    ];
    const subscriptions: SubscriptionSetup = {
      authenticate: options.authenticate,
      services,
      log,
      rules,
      maxQueryBytes: limits.maxBodyBytes,
      production: options.production,
    };
    await app.register(mercurius, {
      schema: api.schema,
      resolvers: api.resolvers as IResolvers,
      path: '/graphql',
      graphiql: false,
      allowBatchedQueries: false,
      jit: 1,
      validationRules: rules,
      // WebSocket subscriptions at the same path, when a module has Subscription fields
      subscription: api.subscriptions ? subscriptionOptions(subscriptions) : false,
      additionalRouteOptions: {
        bodyLimit: limits.maxBodyBytes,
        // the one route whose Authorization header is an agency token (the auth plugin reads it)
        config: AGENCY_AUTH,
        // authentication before the body is read; then the request's shape, before mercurius
        preParsing: requireCaller,
        preValidation: checkRequestShape,
      },
      context: (request) => ({ principal: request.principal ?? null, requestId: request.id, services }),
      errorFormatter: (execution, context) =>
        formatErrors(execution, context.reply?.log ?? app.log, {
          production: options.production,
          query: (context as { __currentQuery?: string }).__currentQuery,
        }),
    });
    enforceArgumentLimits(app.graphql.schema, eventSchemas, argumentLimitsOf(modules));

    if (!options.production) await app.register(graphiqlPlugin);

    app.graphql.addHook('preExecution', async (_schema, _document, context) => {
      if (!context.principal) throw new AuthUnauthenticatedError('a bearer token is required');
    });
    if (api.subscriptions) guardSubscriptions(app, subscriptions);
  },
  { name: 'graphql-api', fastify: '5.x' },
);
