import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { RouteNotFoundError } from '../../kernel/errors/index.js';
import { pageSecurityHeaders, sendWebAsset } from '../../kernel/web-assets.js';
import { ConsoleBundle } from './bundle.js';

/**
 * The console's policy: everything from the hub itself and nothing else — no other origin, no
 * inline or evaluated script, no inline style sheet, no `data:` URL (styles the page sets through
 * the DOM are not style sheets and need no exception).
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Hashed names change with their content: cached for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** A client route of the console: one path segment (`/console/access-log`). */
const CLIENT_ROUTE = /^[a-z][a-z0-9-]{0,63}$/;

export interface ConsoleRoutesOptions {
  /** The bundle folder (`npm run build:console` writes it). */
  dist: string;
}

/**
 * `/console/`: the page (never cached without asking again), its hashed assets under
 * `/console/assets/` (cached for a year, gzipped for clients that accept it), the page again for
 * the console's own routes (`/console/<page>`, which the page reads from the address), and
 * `/console` sent on to `/console/`. Until the bundle is built every one of them answers 503
 * `HTTP_CONSOLE_NOT_BUILT` naming the command.
 */
export const consoleRoutes = fp<ConsoleRoutesOptions>(
  async (app: FastifyInstance, options) => {
    const bundle = new ConsoleBundle(options.dist);

    app.get('/console', { logLevel: 'warn' }, async (_request, reply) =>
      // relative, so a hub behind a path prefix keeps it
      reply.redirect('console/', 308),
    );

    const page = async (request: FastifyRequest, reply: FastifyReply) => {
      const { page } = bundle.current();
      pageSecurityHeaders(reply, CONSOLE_CSP);
      return (await sendWebAsset(request, reply, page, 'no-cache')) ?? reply.send();
    };
    app.get('/console/', { logLevel: 'warn' }, page);
    app.get<{ Params: { route: string } }>(
      '/console/:route',
      { logLevel: 'warn' },
      async (request, reply) => {
        if (!CLIENT_ROUTE.test(request.params.route) || request.params.route === 'assets') {
          throw new RouteNotFoundError('GET', request.url.split('?')[0]!);
        }
        return page(request, reply);
      },
    );

    app.get<{ Params: { name: string } }>(
      '/console/assets/:name',
      { logLevel: 'warn' },
      async (request, reply) => {
        const asset = bundle.asset(request.params.name);
        if (!asset) throw new RouteNotFoundError('GET', request.url.split('?')[0]!);
        pageSecurityHeaders(reply, CONSOLE_CSP);
        return (await sendWebAsset(request, reply, asset, IMMUTABLE)) ?? reply.send();
      },
    );
  },
  { name: 'console-routes', fastify: '5.x' },
);
