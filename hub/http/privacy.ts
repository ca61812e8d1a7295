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

/** The hub's one handle on personal-data protection: every part of the service shares it. */
export interface Privacy {
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
 * Opens the subject key store `<dataDir>/keys.db` under the hub's secrets from the configuration
 * (`config.secrets`: the environment in production, `<dataDir>/secrets.json` otherwise; a malformed
 * secrets file stops the boot with a ConfigError naming it).
 */
export const privacyPlugin = fp<{ config: Config }>(
  async (app: FastifyInstance, { config }) => {
    const sealing = sealingFor(config.secrets, path.join(config.dataDir, 'keys.db'));
    app.decorate('privacy', { sealing, datasets: loadDatasets() });
    app.addHook('onClose', async () => sealing.keys.close());
  },
  { name: 'privacy', fastify: '5.x' },
);
