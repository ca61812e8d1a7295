import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { BadRequestError, HubError, RouteNotFoundError } from '../kernel/errors/index.js';

export interface ErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

function toHubError(error: unknown): HubError | undefined {
  if (error instanceof HubError) return error;
  const status = (error as FastifyError | undefined)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new BadRequestError(status, (error as FastifyError).message);
  }
  return undefined;
}

/**
 * The one place errors become responses: a HubError answers with its status and
 * `{ code, message, details }`; anything unexpected is logged and answers 500 INTERNAL, without
 * its message or stack.
 */
export const errorsPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler(async (error, request, reply) => {
      const known = toHubError(error);
      if (!known || known.status >= 500) {
        request.log.error({ err: error }, 'request failed');
      } else {
        request.log.info({ code: known.code, status: known.status }, 'request refused');
      }
      if (!known) {
        reply.code(500);
        return { code: 'INTERNAL', message: 'internal error' } satisfies ErrorBody;
      }
      reply.code(known.status);
      return { code: known.code, message: known.message, details: known.details() } satisfies ErrorBody;
    });

    app.setNotFoundHandler(async (request) => {
      throw new RouteNotFoundError(request.method, request.url.split('?')[0]!);
    });
  },
  { name: 'errors', fastify: '5.x' },
);
