import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ModuleHost, ModulePlugin } from '../../kernel/module.js';
import type { DatasetDefinition } from '../records/index.js';
import { accessInputRules } from './limits.js';
import { AccessRateLimiter } from './rate-limit.js';
import { AccessRecorder } from './recorder.js';
import { DEFAULT_REFUSAL_RATE_LIMIT, ReleaseService } from './release.js';
import { StreamAppender } from './stream-appender.js';

/**
 * The `release` service of the GraphQL context: releases decided against the contracts in force
 * (`findContracts`, from the contracts module) and the citizens' consents (`consents`,
 * `consentModel`, from the consent module), each recorded on the citizen's access stream, over
 * the datasets `datasets` gives (those of the module's GraphQL types).
 */
export const accessPlugin = (datasets: () => ReadonlyMap<string, DatasetDefinition>): ModulePlugin =>
  fp(
    async (app: FastifyInstance, host: ModuleHost) => {
      const recorder = new AccessRecorder(new StreamAppender(host.store), { logger: host.log });
      host.services.provide(
        'release',
        new ReleaseService({
          readModels: host.readModels,
          findContracts: host.services.get('findContracts'),
          consents: host.services.get('consentModel'),
          consentService: host.services.get('consents'),
          datasets: datasets(),
          keys: host.keys,
          pseudonymize: host.pseudonymize,
          recorder,
          rateLimiter: new AccessRateLimiter(),
          input: accessInputRules(host.eventSchemas),
          refusalRateLimit: DEFAULT_REFUSAL_RATE_LIMIT,
          logger: host.log,
          clock: host.clock,
        }),
      );
      // fastify runs onClose hooks in reverse order: this one before the store plugin's, so held
      // refusals are written while the store is still open
      app.addHook('onClose', () => recorder.close());
    },
    { name: 'access', fastify: '5.x' },
  );
