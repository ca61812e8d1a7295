import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AgencyNotFoundError } from '../../kernel/errors/index.js';
import type { ModuleHost, ModulePlugin } from '../../kernel/module.js';
import { publicJwk } from './local-keys.js';
import { getAgency } from './queries.js';

/**
 * `GET /agencies/:organCode/jwks.json`: the public keys an agency registered, at a stable URL, so
 * anyone can verify what it signed (its electronic results) without asking the hub to. An agency
 * that registered a `jwksUrl` is redirected there; a retired agency's keys stay published, since
 * what it signed while in force still verifies.
 */
export const agenciesPlugin: ModulePlugin = fp(
  async (app: FastifyInstance, host: ModuleHost) => {
    app.get('/agencies/:organCode/jwks.json', { logLevel: 'warn' }, async (request, reply) => {
      const { organCode } = request.params as { organCode: string };
      const agency = getAgency(host.readModels, organCode);
      if (!agency) throw new AgencyNotFoundError(organCode);
      reply.header('cache-control', 'public, max-age=300');
      if ('jwksUrl' in agency.keys) return reply.redirect(agency.keys.jwksUrl, 302);
      return { keys: agency.keys.jwks.keys.map(publicJwk) };
    });
  },
  { name: 'agencies', fastify: '5.x' },
);
