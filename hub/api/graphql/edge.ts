import type { FastifyRequest, preParsingHookHandler, preValidationHookHandler } from 'fastify';
import { ApiBadInputError, AuthUnauthenticatedError } from '../../kernel/errors/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by @fastify/websocket (mercurius' subscriptions) on every request: true for an upgrade. */
    ws: boolean;
  }
}

/**
 * Route hooks of `/graphql` that run before mercurius sees the request.
 *
 * `requireCaller` (preParsing): a request without a verified caller is answered 401 before its body
 * is even read, so it learns nothing about the schema — no validation errors, no suggestions.
 * (An `Authorization` header that does not verify was already refused by the auth plugin.) A
 * WebSocket upgrade (subscriptions) passes both hooks: browsers cannot send headers with it, so
 * the token comes in the `connection_init` message and is verified there, before anything else.
 *
 * `checkRequestShape` (preValidation): the GraphQL-over-HTTP members must have their types —
 * `query` a non-empty string, `operationName` a string, `variables` and `extensions` objects (for
 * GET, JSON text of one) — otherwise `BAD_USER_INPUT` naming the member in `extensions.field`.
 *
 * Both run on every request to `/graphql`, so they are callback hooks: an async hook costs each
 * request a promise and a turn of the microtask queue.
 */
export const requireCaller: preParsingHookHandler = (request, reply, payload, done) => {
  if (request.principal || request.ws) return done(null, payload);
  const error = new AuthUnauthenticatedError('a bearer token is required');
  reply.header('www-authenticate', error.headers['www-authenticate']);
  done(error);
};

export const checkRequestShape: preValidationHookHandler = (request, _reply, done) => {
  if (request.ws) return done();
  try {
    checkShape(request);
  } catch (error) {
    return done(error as Error);
  }
  done();
};

const bad = (field: string, reason: string) => new ApiBadInputError(`${field} ${reason}`, { field });

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function checkShape(request: FastifyRequest): void {
  const get = request.method === 'GET';
  const params = get ? request.query : request.body;
  if (Array.isArray(params)) throw bad('body', 'must be one request: batched queries are not accepted');
  if (!isObject(params)) throw bad(get ? 'query' : 'body', 'must be a JSON object with a query');
  const { query, operationName, variables, extensions } = params;
  if (query === undefined || query === null || query === '') throw bad('query', 'is required');
  if (typeof query !== 'string') throw bad('query', 'must be a string');
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    throw bad('operationName', 'must be a string');
  }
  checkObject('variables', variables, get);
  checkObject('extensions', extensions, get);
}

/** `variables` and `extensions`: absent, null or an object — for GET, JSON text of one. */
function checkObject(field: string, value: unknown, get: boolean): void {
  if (value === undefined || value === null) return;
  if (!get) {
    if (!isObject(value)) throw bad(field, 'must be an object');
    return;
  }
  let parsed: unknown;
  try {
    parsed = typeof value === 'string' ? JSON.parse(value) : undefined;
  } catch {
    // reported below
  }
  if (parsed !== null && !isObject(parsed)) throw bad(field, 'must be JSON text of an object');
}
