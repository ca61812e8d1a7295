import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { AuthForbiddenError, AuthUnauthenticatedError } from '../kernel/errors/index.js';
import type { Principal, Role } from '../kernel/principal.js';
import { type Authenticator, type AuthenticatorOptions, createAuthenticator } from './authenticator.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller, or null when the request carried no `Authorization` header. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** The route takes agency bearer tokens: `request.principal` is verified from `Authorization`. */
    agencyAuth?: boolean;
  }
}

/** Route config of a route that takes agency bearer tokens (`/graphql`). */
export const AGENCY_AUTH = { agencyAuth: true } as const;

export type AuthPluginOptions = { authenticate: Authenticator } | AuthenticatorOptions;

function challenge(reply: FastifyReply, err: unknown): never {
  if (err instanceof AuthUnauthenticatedError)
    reply.header('www-authenticate', err.headers['www-authenticate']);
  throw err;
}

function countHeader(raw: readonly string[], name: string): number {
  let n = 0;
  for (let i = 0; i < raw.length; i += 2)
    if (raw[i]!.length === name.length && raw[i]!.toLowerCase() === name) n++;
  return n;
}

/**
 * Decorates `request.principal` from the `Authorization` header on routes that ask for it (route
 * config `agencyAuth: true`, `AGENCY_AUTH`); other routes (e.g. `/metrics` with its operator token)
 * never have their header read as an agency token and keep `principal` null. A request without the
 * header gets `null` (routes that need a caller use `requireRole`); a header that does not verify is
 * a 401 at once. Repeated `Authorization` headers are refused on every route.
 */
export const authPlugin = fp<AuthPluginOptions>(
  async (app, options) => {
    const authenticate = 'authenticate' in options ? options.authenticate : createAuthenticator(options);
    app.decorateRequest('principal', null);
    app.addHook('onRequest', async (request, reply) => {
      const header = request.headers.authorization;
      if (header === undefined) return;
      // Node keeps only the first of repeated Authorization headers; a request that sends several is refused
      if (countHeader(request.raw.rawHeaders, 'authorization') > 1) {
        challenge(
          reply,
          new AuthUnauthenticatedError('more than one Authorization header', 'invalid_request'),
        );
      }
      if (request.routeOptions.config?.agencyAuth !== true) return;
      try {
        request.principal = await authenticate(header);
      } catch (err) {
        challenge(reply, err);
      }
    });
  },
  { name: 'auth', fastify: '5.x' },
);

/** A preHandler that lets through only callers holding one of `allowed` (401 without a caller, 403 otherwise). */
export function requireRole(...allowed: Role[]): preHandlerAsyncHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const principal = request.principal;
    if (!principal) challenge(reply, new AuthUnauthenticatedError('a bearer token is required'));
    if (allowed.length > 0 && !allowed.includes(principal.role)) {
      throw new AuthForbiddenError(`role ${principal.role} may not do this`, allowed);
    }
  };
}
