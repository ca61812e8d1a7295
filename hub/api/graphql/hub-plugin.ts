import path from 'node:path';
import type Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createAuthenticator, DEFAULT_AUDIENCE } from '../../auth/authenticator.js';
import { agencyLookupFromDb } from '../../auth/lookup.js';
import { authPlugin } from '../../auth/plugin.js';
import type { Config } from '../../config.js';
import { cachedUntilCheckpointMoves } from '../../domain/access/checkpoint-cache.js';
import { loadHubSigningKey } from '../../domain/consent/receipt.js';
import { SubjectKeyStore } from '../../privacy/key-store.js';
import { createPseudonymizer, type Pseudonymizer } from '../../privacy/pseudonym.js';
import { loadSecrets } from '../../privacy/secrets.js';
import { openReadModelDb } from '../../projections/db.js';
import { graphqlApiPlugin } from './plugin.js';

/** Agency tokens verified against the `agencies` read model (lookups cached until it moves). */
export function hubAuthenticator(readModels: Database.Database, pseudonymize: Pseudonymizer) {
  return createAuthenticator({
    agencies: cachedUntilCheckpointMoves(
      readModels,
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
 * The consented API as the hub service runs it: opens the subject key store and a connection to the
 * read models, loads the hub's secrets and signing key, authenticates agencies against the
 * `agencies` read model (part of `authPlugin`), then serves `graphqlApiPlugin`.
 */
export const consentedApiPlugin = fp<ConsentedApiOptions>(
  async (app: FastifyInstance, { config, env = process.env }) => {
    const production = config.profile === 'production';
    const secrets = loadSecrets({ env, dataDir: config.dataDir, production });
    const pseudonymize = createPseudonymizer(secrets.pseudonymSecret);
    const keys = new SubjectKeyStore(path.join(config.dataDir, 'keys.db'), secrets.masterKey);
    const readModels = openReadModelDb(config.readModelsFile);
    app.addHook('onClose', async () => {
      keys.close();
      readModels.close();
    });
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
  { name: 'consented-api', fastify: '5.x', dependencies: ['store', 'projections'] },
);
