import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createAuthenticator, DEFAULT_AUDIENCE } from '../../auth/authenticator.js';
import { agencyLookupFromDb } from '../../auth/lookup.js';
import { authPlugin } from '../../auth/plugin.js';
import type { Config } from '../../kernel/config.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import { loadHubSigningKey } from '../../modules/consent/index.js';
import type { Pseudonymizer } from '../../privacy/pseudonym.js';
import { ReadModelChanges } from '../../projections/changes.js';
import { graphqlApiPlugin } from './plugin.js';

/** Agency tokens verified against the `agencies` read model (lookups cached until it changes). */
export function hubAuthenticator(readModels: ReadModelDb, pseudonymize: Pseudonymizer) {
  return createAuthenticator({
    agencies: ReadModelChanges.of(readModels).memo(
      'agencies',
      (issuer: string) => issuer,
      agencyLookupFromDb(readModels),
    ),
    audience: DEFAULT_AUDIENCE,
    pseudonymizeCitizen: (pid) => pseudonymize('citizen', pid),
  });
}

export interface ConsentedApiOptions {
  config: Config;
  env?: Record<string, string | undefined>;
}

/**
 * The consented API as the hub service runs it: uses the shared privacy handle (secrets, subject
 * keys) and the projection runner's read-model connection, loads the hub's signing key, authenticates agencies against the
 * `agencies` read model (part of `authPlugin`), then serves `graphqlApiPlugin`.
 */
export const consentedApiPlugin = fp<ConsentedApiOptions>(
  async (app: FastifyInstance, { config, env = process.env }) => {
    const production = config.profile === 'production';
    const { pseudonymize, keys } = app.privacy.sealing;
    const readModels = app.readModels;
    await app.register(authPlugin, { authenticate: hubAuthenticator(readModels, pseudonymize) });
    await app.register(graphqlApiPlugin, {
      store: app.store,
      readModels,
      keys,
      pseudonymize,
      signingKey: await loadHubSigningKey({ env, dataDir: config.dataDir, production }),
      production,
    });
  },
  { name: 'consented-api', fastify: '5.x', dependencies: ['store', 'projections', 'privacy'] },
);
