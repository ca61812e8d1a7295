import type { FastifyBaseLogger } from 'fastify';
import type { ExecutionResult, GraphQLError, GraphQLFormattedError } from 'graphql';
import { type ApiErrorCode, apiCode, HubError } from '../../kernel/errors/index.js';
import { graphql } from './kit/graphql-runtime.js';

export { API_ERROR_CODES, type ApiErrorCode } from '../../kernel/errors/index.js';

const STATUS: Partial<Record<ApiErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  RATE_LIMITED: 429,
  BAD_USER_INPUT: 400,
  UNAVAILABLE: 503,
};

interface Formatted {
  error: GraphQLFormattedError;
  code: ApiErrorCode;
  status: number | undefined;
}

const hasStatus = (e: unknown): e is { statusCode: number; code?: string; errors?: unknown[] } =>
  typeof (e as { statusCode?: unknown } | null)?.statusCode === 'number';

export interface FormatOptions {
  /** Production: "Did you mean …" suggestions are cut from every message. */
  production: boolean;
  /** The query text, to name the variable an error points at. */
  query?: string;
}

/** graphql-js appends suggestions (field, argument, type and enum names) as ` Did you mean …?`. */
const SUGGESTION = / Did you mean .*\?$/s;

/**
 * What a GraphQL-level refusal is about, for `extensions.field`: `$name` (or `$name.path[0]`) for a
 * variable, the argument's name, `operationName`, or `query` for a document that does not parse.
 */
function fieldOf(message: string, error: GraphQLError, query: string | undefined): string | undefined {
  if (message.startsWith('Variable "$')) {
    // the error points at the variable's definition (graphql-jit names nested members, not the variable)
    const at = error.locations?.[0];
    const line = at && query?.split(/\r\n|[\n\r]/)[at.line - 1];
    const name = /^\$([_A-Za-z][_0-9A-Za-z]*)/.exec(line ? line.slice(at.column - 1) : '')?.[1];
    return `$${name ?? /^Variable "\$([_0-9A-Za-z]+)"/.exec(message)![1]}`;
  }
  if (/^(Unknown operation named|Must provide operation name)/.test(message)) return 'operationName';
  const argument = /\bargument "([_A-Za-z][_0-9A-Za-z]*)"/i.exec(message);
  if (argument) return argument[1];
  if (message.startsWith('Syntax Error')) return 'query';
  return undefined;
}

const isGraphQLError = (e: unknown): e is GraphQLError =>
  e instanceof graphql.GraphQLError || (e as Error | undefined)?.name === 'GraphQLError';

/** Fastify's own refusals of the HTTP body (bad JSON, wrong media type, too large) name `body`. */
const isBodyError = (e: { code?: string }) => typeof e.code === 'string' && /^FST_ERR_CTP_/.test(e.code);

function formatOne(error: GraphQLError, log: FastifyBaseLogger, options: FormatOptions): Formatted[] {
  const original = error.originalError as unknown;
  // mercurius wraps validation failures (MER_ERR_GQL_VALIDATION) around the GraphQL errors
  if (hasStatus(original) && Array.isArray(original.errors)) {
    return (original.errors as GraphQLError[]).flatMap((inner) => formatOne(inner, log, options));
  }
  const message = options.production ? error.message.replace(SUGGESTION, '') : error.message;
  const base = { message, locations: error.locations, path: error.path };
  if (original instanceof HubError) {
    const code = apiCode(original);
    if (code === 'INTERNAL') log.error({ err: original }, 'graphql request failed');
    const extensions = { ...original.details(), code, hubCode: original.code };
    const message = code === 'INTERNAL' ? 'internal error' : original.message;
    return [{ error: { ...base, message, extensions }, code, status: STATUS[code] }];
  }
  if (hasStatus(original) && original.statusCode >= 400 && original.statusCode < 500) {
    const code = original.statusCode === 429 ? 'RATE_LIMITED' : 'BAD_USER_INPUT';
    const field = isBodyError(original) ? 'body' : fieldOf(message, error, options.query);
    const extensions = { code, ...(field ? { field } : {}) };
    return [{ error: { ...base, extensions }, code, status: original.statusCode }];
  }
  // graphql-js' own errors (syntax, validation, variable coercion: with or without a wrapped cause)
  if (!original || isGraphQLError(original)) {
    const field = fieldOf(message, error, options.query);
    const extensions = { ...error.extensions, code: 'BAD_USER_INPUT', ...(field ? { field } : {}) };
    return [{ error: { ...base, extensions }, code: 'BAD_USER_INPUT', status: 400 }];
  }
  log.error({ err: original }, 'graphql request failed');
  return [
    {
      error: { ...base, message: 'internal error', extensions: { code: 'INTERNAL' } },
      code: 'INTERNAL',
      status: 500,
    },
  ];
}

/**
 * Mercurius' error formatter: every error leaves with a stable `extensions.code` and a message
 * meant for the caller; unexpected errors are logged and leave as INTERNAL without message or
 * stack. Without data the HTTP status follows the error (401, 429, 400 for malformed requests).
 */
export function formatErrors(
  execution: ExecutionResult & { errors: readonly GraphQLError[] },
  log: FastifyBaseLogger,
  options: FormatOptions = { production: false },
) {
  const formatted = execution.errors.flatMap((e) => formatOne(e, log, options));
  let statusCode = 200;
  if (!execution.data) {
    const first = formatted[0];
    if (first?.status && formatted.every((f) => f.code === first.code)) statusCode = first.status;
    else if (formatted.some((f) => f.status === 400 && !f.error.path)) statusCode = 400;
  }
  return {
    statusCode,
    response: { data: execution.data ?? null, errors: formatted.map((f) => f.error) },
  };
}
