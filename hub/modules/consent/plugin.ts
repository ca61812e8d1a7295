import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ModuleHost, ModulePlugin } from '../../kernel/module.js';
import { getAgency } from '../agencies/index.js';
import { loadDatasets } from '../records/index.js';
import { ConsentReadModel } from './projection.js';
import { hubSigningKey, publicJwks } from './receipt.js';
import { ConsentService, startConsentSweeper } from './service.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Consent commands (grant, withdraw, expire lapsed), for the sweeper and operator tools. */
    consents: ConsentService;
  }
}

declare module '../../kernel/module.js' {
  interface ModuleSettings {
    /** How often lapsed consents get their ConsentExpired event. Default 60 s; 0 turns the sweeper off. */
    consentSweepMs?: number;
  }
}

/** `iss` of consent receipts. */
const ISSUER = 'lienthong-hub';

/**
 * The consent service under the hub's signing key (from the configuration), checking consumers
 * against the `agencies` read model; `app.consents`, the `consents` and `consentModel` services of
 * the GraphQL context, the hub's public key at `/.well-known/jwks.json` and the sweeper that
 * appends ConsentExpired for lapsed consents.
 */
export const consentPlugin: ModulePlugin = fp(
  async (app: FastifyInstance, host: ModuleHost) => {
    const signingKey = await hubSigningKey(host.config.secrets.signingKey);
    const model = new ConsentReadModel(host.readModels);
    const consents = new ConsentService({
      store: host.store,
      model,
      datasets: loadDatasets(),
      signingKey,
      issuer: ISSUER,
      logger: host.log,
      findAgency: (organCode) => getAgency(host.readModels, organCode),
      clock: host.clock,
    });
    app.decorate('consents', consents);
    host.services.provide('consents', consents);
    host.services.provide('consentModel', model);

    app.get('/.well-known/jwks.json', { logLevel: 'warn' }, async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return publicJwks(signingKey);
    });

    const sweepEvery = host.settings.consentSweepMs ?? 60_000;
    if (sweepEvery > 0) {
      const sweeper = startConsentSweeper(consents, host.log, sweepEvery);
      app.addHook('onClose', () => sweeper.stop());
    }
  },
  { name: 'consent', fastify: '5.x' },
);
