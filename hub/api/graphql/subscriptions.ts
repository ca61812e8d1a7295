import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { ValidationRule } from 'graphql';
import type { MercuriusOptions } from 'mercurius';
import type { Authenticator } from '../../auth/authenticator.js';
import { ApiBadInputError, AuthUnauthenticatedError, HubError } from '../../kernel/errors/index.js';
import { formatErrors } from './errors.js';
import type { ApiServices } from './kit/context.js';
import { graphql } from './kit/graphql-runtime.js';

export interface SubscriptionSetup {
  /** Verifies a token as the HTTP API does (`Authorization` header value). */
  authenticate: Authenticator;
  services: ApiServices;
  log: FastifyBaseLogger;
  /** The validation rules of HTTP requests (limits; no introspection in production). */
  rules: readonly ValidationRule[];
  /** The longest subscription document accepted (the HTTP body limit). */
  maxQueryBytes: number;
  production: boolean;
}

/**
 * The credentials a client sends in `connection_init` (its `connectionParams`): `authorization`
 * as in the HTTP header (`Bearer <JWT>`), or the bare `token`.
 */
function credentialsOf(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { authorization, token } = payload as { authorization?: unknown; token?: unknown };
  if (typeof authorization === 'string' && authorization !== '') return authorization;
  if (typeof token === 'string' && token !== '') return `Bearer ${token}`;
  return undefined;
}

/**
 * Mercurius' `subscription` options: a WebSocket at `/graphql` whose `connection_init` must carry
 * a token that verifies like an HTTP one, or the connection is refused (`connection_error`
 * `Forbidden`, then closed) before any operation. Each operation's context holds the principal and
 * `reauthenticate`, which verifies the same token again (expiry, the agency's registration, keys
 * and roles) so resolvers can authorise every event they send.
 */
export function subscriptionOptions(setup: SubscriptionSetup): MercuriusOptions['subscription'] {
  const { authenticate, services, log } = setup;
  return {
    context: (_socket, request) => ({ principal: null, requestId: request.id, services }),
    onConnect: async ({ payload }) => {
      const credentials = credentialsOf(payload);
      if (!credentials) {
        log.info({ reason: 'no token in connection_init' }, 'subscription connection refused');
        return false;
      }
      try {
        const principal = await authenticate(credentials);
        return { principal, reauthenticate: () => authenticate(credentials) };
      } catch (error) {
        const code = error instanceof HubError ? error.code : 'INTERNAL';
        if (code === 'INTERNAL') log.error({ err: error }, 'subscription authentication failed');
        else log.info({ code }, 'subscription connection refused');
        return false;
      }
    },
  };
}

/**
 * What every subscription operation passes before it starts, as HTTP requests do: a caller, a
 * document no longer than the body limit, and the standard validation plus the API's rules
 * (depth, aliases, cost, introspection). A refusal is sent as the operation's `error` message with
 * `extensions.code` (and `hubCode`) like any other error of the API.
 */
export function guardSubscriptions(app: FastifyInstance, setup: SubscriptionSetup): void {
  const refuse = (errors: readonly Error[]): never => {
    const graphqlErrors = errors.map((e) =>
      e instanceof graphql.GraphQLError ? e : new graphql.GraphQLError(e.message, { originalError: e }),
    );
    const { response } = formatErrors({ errors: graphqlErrors }, setup.log, { production: setup.production });
    const first = response.errors[0]!;
    throw new graphql.GraphQLError(first.message, { extensions: first.extensions });
  };
  const rules = [...graphql.specifiedRules, ...setup.rules];
  app.graphql.addHook('preSubscriptionParsing', (_schema, source) => {
    if (Buffer.byteLength(source) > setup.maxQueryBytes) {
      refuse([new ApiBadInputError(`query is longer than ${setup.maxQueryBytes} bytes`, { field: 'query' })]);
    }
  });
  app.graphql.addHook('preSubscriptionExecution', (schema, document, context) => {
    if (!context.principal) refuse([new AuthUnauthenticatedError('a bearer token is required')]);
    const errors = graphql.validate(schema, document, rules);
    if (errors.length > 0) refuse(errors);
  });
}
