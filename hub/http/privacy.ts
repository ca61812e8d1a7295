import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../kernel/config.js';
import {
  type DatasetDefinition,
  loadDatasets,
  type RecordSealing,
  sealingFor,
} from '../modules/records/index.js';
import { type HubSecrets, loadSecrets } from '../privacy/secrets.js';

/** The hub's one handle on personal-data protection: every part of the service shares it. */
export interface Privacy {
  secrets: HubSecrets;
  /** Pseudonyms, content versions and the subject key store (one instance, so an erasure is seen by all). */
  sealing: RecordSealing;
  datasets: Map<string, DatasetDefinition>;
}

declare module 'fastify' {
  interface FastifyInstance {
    privacy: Privacy;
  }
}

/**
 * Loads the hub's secrets (environment in production, `<dataDir>/secrets.json` otherwise) and opens
 * the subject key store `<dataDir>/keys.db`. A missing or malformed secret stops the boot with a
 * ConfigError naming the variable.
 */
export const privacyPlugin = fp<{ config: Config; env?: Record<string, string | undefined> }>(
  async (app: FastifyInstance, { config, env = process.env }) => {
    const secrets = loadSecrets({
      env,
      dataDir: config.dataDir,
      production: config.profile === 'production',
    });
    const sealing = sealingFor(secrets, path.join(config.dataDir, 'keys.db'));
    app.decorate('privacy', { secrets, sealing, datasets: loadDatasets() });
    app.addHook('onClose', async () => sealing.keys.close());
  },
  { name: 'privacy', fastify: '5.x' },
);
