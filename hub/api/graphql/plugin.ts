import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import mercurius, { type IResolvers } from 'mercurius';
import type { Logger } from 'pino';
import { createEventValidator, type EventValidator } from '../../events/validator.js';
import { AuthUnauthenticatedError } from '../../kernel/errors/index.js';
import type { EventStore } from '../../kernel/event-store.js';
import type { HubModule } from '../../kernel/module.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import {
  AccessRateLimiter,
  AccessRecorder,
  accessInputRules,
  DEFAULT_REFUSAL_RATE_LIMIT,
  type RateLimit,
  ReleaseService,
  StreamAppender,
} from '../../modules/access/index.js';
import { getAgency, vietnamDate } from '../../modules/agencies/index.js';
import {
  ConsentReadModel,
  ConsentService,
  type HubSigningKey,
  publicJwks,
  startConsentSweeper,
} from '../../modules/consent/index.js';
import { type FindContracts, findContracts as findContractsInDb } from '../../modules/contracts/index.js';
import { hubModules } from '../../modules/index.js';
import { loadDatasets } from '../../modules/records/index.js';
import type { SubjectKeyStore } from '../../privacy/key-store.js';
import type { Pseudonymizer } from '../../privacy/pseudonym.js';
import { ReadModelChanges } from '../../projections/changes.js';
import { graphiqlPlugin } from '../graphiql/plugin.js';
import { enforceArgumentLimits } from './argument-limits.js';
import { composeGraphql } from './compose.js';
import type { ApiServices } from './context.js';
import { checkRequestShape, requireCaller } from './edge.js';
import { formatErrors } from './errors.js';
import { graphql } from './graphql-runtime.js';
import { DEFAULT_LIMITS, type QueryLimits, queryLimitsRule } from './limits.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Consent commands (grant, withdraw, expire lapsed), for the sweeper and operator tools. */
    consents: ConsentService;
  }
}

export interface GraphqlApiOptions {
  store: EventStore;
  /** The read-model database (records, consents). */
  readModels: ReadModelDb;
  keys: SubjectKeyStore;
  pseudonymize: Pseudonymizer;
  signingKey: HubSigningKey;
  /** Default: the `contracts` read model in `readModels`. */
  findContracts?: FindContracts;
  /** Production: no introspection, no GraphiQL. */
  production: boolean;
  /** `iss` of consent receipts. Default `lienthong-hub`. */
  issuer?: string;
  limits?: Partial<QueryLimits>;
  clock?: () => Date;
  /** How often lapsed consents get their ConsentExpired event. Default 60 s; 0 turns the sweeper off. */
  sweepIntervalMs?: number;
  /** Modules whose GraphQL parts make up the API. Default: every module of the hub (`hubModules`). */
  modules?: readonly HubModule[];
  /**
   * The compiled event schemas the store validates with: the limits on what a caller may send are
   * read from them. Default: `createEventValidator()` (the repository's schemas/).
   */
  eventSchemas?: EventValidator;
  /** Refused requests of an agency before any contract applied. Default 60 per 60 s. */
  refusalRateLimit?: RateLimit;
  /** Identical refusals within this window are recorded as one `DataAccessDenied`. Default 60 s. */
  denialWindowMs?: number;
}

/** Contracts in force from the `contracts` read model, cached until it changes. */
function contractsInForce(db: ReadModelDb): FindContracts {
  const cached = ReadModelChanges.of(db).memo(
    'contracts',
    (q: { consumer: string; dataset: string; on: string }) => `${q.consumer}\u0000${q.dataset}\u0000${q.on}`,
    (q) => findContractsInDb(db, q),
  );
  return (q) => cached({ consumer: q.consumer, dataset: q.dataset, on: vietnamDate(q.on) });
}

/**
 * The consented GraphQL API at `/graphql` (GraphiQL at `/graphiql` outside production) and the
 * hub's public JWKS at `/.well-known/jwks.json`. Expects `request.principal` from the auth plugin.
 * Limits on body size, depth, aliases and cost apply before any resolver runs; batched queries
 * are refused.
 */
export const graphqlApiPlugin = fp<GraphqlApiOptions>(
  async (app: FastifyInstance, options) => {
    const log = app.log.child({ module: 'graphql' }) as Logger;
    const limits = { ...DEFAULT_LIMITS, ...options.limits };
    const clock = options.clock ?? (() => new Date());
    const datasets = loadDatasets();
    const eventSchemas = options.eventSchemas ?? createEventValidator();
    const recorder = new AccessRecorder(new StreamAppender(options.store), {
      windowMs: options.denialWindowMs,
      logger: log,
    });
    const findContracts: FindContracts = options.findContracts ?? contractsInForce(options.readModels);
    const consentModel = new ConsentReadModel(options.readModels);
    const consents = new ConsentService({
      store: options.store,
      model: consentModel,
      datasets,
      signingKey: options.signingKey,
      issuer: options.issuer ?? 'lienthong-hub',
      logger: log,
      findAgency: (organCode) => getAgency(options.readModels, organCode),
      clock,
    });
    const release = new ReleaseService({
      readModels: options.readModels,
      findContracts,
      consents: consentModel,
      consentService: consents,
      datasets,
      keys: options.keys,
      pseudonymize: options.pseudonymize,
      recorder,
      rateLimiter: new AccessRateLimiter(),
      input: accessInputRules(eventSchemas),
      refusalRateLimit: options.refusalRateLimit ?? DEFAULT_REFUSAL_RATE_LIMIT,
      logger: log,
      clock,
    });
    const services: ApiServices = {
      store: options.store,
      readModels: options.readModels,
      consents,
      consentModel,
      release,
      findContracts,
      pseudonymize: options.pseudonymize,
      clock,
    };

    app.decorate('consents', consents);

    app.get('/.well-known/jwks.json', { logLevel: 'warn' }, async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return publicJwks(options.signingKey);
    });

    const api = composeGraphql(options.modules ?? hubModules);
    const rules = [
      queryLimitsRule(limits, { introspection: !options.production }),
      ...(options.production ? [graphql.NoSchemaIntrospectionCustomRule] : []),
    ];
    await app.register(mercurius, {
      schema: api.schema,
      resolvers: api.resolvers as IResolvers,
      path: '/graphql',
      graphiql: false,
      allowBatchedQueries: false,
      jit: 1,
      validationRules: rules,
      additionalRouteOptions: {
        bodyLimit: limits.maxBodyBytes,
        // authentication before the body is read; then the request's shape, before mercurius
        preParsing: async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
          await requireCaller(request, reply);
          return payload;
        },
        preValidation: checkRequestShape,
      },
      context: (request) => ({ principal: request.principal ?? null, requestId: request.id, services }),
      errorFormatter: (execution, context) =>
        formatErrors(execution, context.reply?.log ?? app.log, {
          production: options.production,
          query: (context as { __currentQuery?: string }).__currentQuery,
        }),
    });
    enforceArgumentLimits(app.graphql.schema, eventSchemas);
    // fastify runs onClose hooks in reverse order: this one before the store plugin's, so held
    // refusals are written while the store is still open
    app.addHook('onClose', () => recorder.close());

    if (!options.production) await app.register(graphiqlPlugin);

    app.graphql.addHook('preExecution', async (_schema, _document, context) => {
      if (!context.principal) throw new AuthUnauthenticatedError('a bearer token is required');
    });

    const sweepEvery = options.sweepIntervalMs ?? 60_000;
    if (sweepEvery > 0) {
      const sweeper = startConsentSweeper(consents, log, sweepEvery);
      app.addHook('onClose', () => sweeper.stop());
    }
  },
  { name: 'graphql-api', fastify: '5.x' },
);
