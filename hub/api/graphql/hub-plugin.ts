import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createAuthenticator, DEFAULT_AUDIENCE } from '../../auth/authenticator.js';
import { claimLimitsFrom } from '../../auth/claim-limits.js';
import { agencyLookupFromDb } from '../../auth/lookup.js';
import { authPlugin } from '../../auth/plugin.js';
import type { EventValidator } from '../../events/validator.js';
import type { Config } from '../../kernel/config.js';
import type { HubModule, ModuleSettings } from '../../kernel/module.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
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
  eventSchemas: EventValidator,
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
  /** The API's clock (consent windows, receipts). Default: the system clock. */
  clock?: () => Date;
  /** How often lapsed consents get their ConsentExpired event. Default 60 s; 0 turns the sweeper off. */
  consentSweepMs?: number;
  /** Other settings of the modules' plugins (`consentSweepMs` above wins over one given here). */
  settings?: ModuleSettings;
  /** The modules that make up the API. Default: every module of the hub (`hubModules`). */
  modules?: readonly HubModule[];
}

/**
 * The consented API as the hub service runs it: uses the shared privacy handle (pseudonyms, subject
 * keys) and the projection runner's read-model connection, authenticates agencies against the
 * `agencies` read model (part of `authPlugin`), then serves `graphqlApiPlugin` with the modules'
 * plugins.
 */
export const consentedApiPlugin = fp<ConsentedApiOptions>(
  async (app: FastifyInstance, { config, clock, consentSweepMs, settings, modules }) => {
    const production = config.profile === 'production';
    const { pseudonymize, keys } = app.privacy.sealing;
    const readModels = app.readModels;
    // the store's: compiled once per app
    const eventSchemas = app.eventSchemas;
    const authenticate = hubAuthenticator(readModels, pseudonymize, eventSchemas);
    await app.register(authPlugin, { authenticate });
    await app.register(graphqlApiPlugin, {
      config,
      authenticate,
      eventSchemas,
      store: app.store,
      readModels,
      keys,
      pseudonymize,
      production,
      clock,
      settings: { ...settings, consentSweepMs },
      modules,
    });
  },
  { name: 'consented-api', fastify: '5.x', dependencies: ['store', 'projections', 'privacy'] },
);
