import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createAuthenticator, DEFAULT_AUDIENCE } from '../../auth/authenticator.js';
import { claimLimitsFrom } from '../../auth/claim-limits.js';
import { agencyLookupFromDb } from '../../auth/lookup.js';
import { authPlugin } from '../../auth/plugin.js';
import { createEventValidator, type EventValidator } from '../../events/validator.js';
import type { Config } from '../../kernel/config.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import { loadHubSigningKey } from '../../modules/consent/index.js';
import type { Pseudonymizer } from '../../privacy/pseudonym.js';
import { ReadModelChanges } from '../../projections/changes.js';
import { graphqlApiPlugin } from './plugin.js';

/**
 * Agency tokens verified against the `agencies` read model (lookups cached until it changes); the
 * longest `sub` and `jti` accepted are those the access events can record (`eventSchemas`).
 */
export function hubAuthenticator(
  readModels: ReadModelDb,
  pseudonymize: Pseudonymizer,
  eventSchemas: EventValidator = createEventValidator(),
) {
  return createAuthenticator({
    agencies: ReadModelChanges.of(readModels).memo(
      'agencies',
      (issuer: string) => issuer,
      agencyLookupFromDb(readModels),
    ),
    audience: DEFAULT_AUDIENCE,
    pseudonymizeCitizen: (pid) => pseudonymize('citizen', pid),
    claimLimits: claimLimitsFrom(eventSchemas),
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
    const eventSchemas = createEventValidator();
    await app.register(authPlugin, {
      authenticate: hubAuthenticator(readModels, pseudonymize, eventSchemas),
    });
    await app.register(graphqlApiPlugin, {
      eventSchemas,
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
