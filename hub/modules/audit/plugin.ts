import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ModuleHost, ModulePlugin } from '../../kernel/module.js';
import { checkpointSigner } from './checkpoint-note.js';
import { AuditLogModel } from './projection.js';
import type { AuditApi } from './resolvers.js';
import { auditRoutes } from './routes.js';
import { AuditService, auditOrigin } from './service.js';
import { CheckpointWorker } from './worker.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The audit log: checkpoints, proofs, bundles; `worker.tick()` signs when a checkpoint is due. */
    audit: { service: AuditService; worker: CheckpointWorker };
  }
}

declare module '../../kernel/module.js' {
  interface ModuleSettings {
    /** Sign a checkpoint once this many entries are not covered. Default 10,000. */
    auditCheckpointEntries?: number;
    /** Sign a checkpoint once the oldest entry not covered has waited this long (ms). Default 60 s; 0 turns the signer off. */
    auditCheckpointMs?: number;
  }
}

declare module '../../api/graphql/kit/context.js' {
  interface ApiServices {
    audit: AuditApi;
  }
}

/**
 * The audit service over the `audit-log` read model, signing with the hub's key
 * (`config.secrets.signingKey`, published at `/.well-known/jwks.json`); the `audit` GraphQL service,
 * the HTTP routes and the background signer, stopped when the app closes.
 */
export const auditPlugin: ModulePlugin = fp(
  async (app: FastifyInstance, host: ModuleHost) => {
    const service = new AuditService({
      store: host.store,
      model: new AuditLogModel(host.readModels),
      signer: checkpointSigner(host.config.secrets.signingKey),
      origin: auditOrigin(host.config),
      clock: host.clock,
    });
    const worker = new CheckpointWorker(service, {
      everyEntries: host.settings.auditCheckpointEntries ?? 10_000,
      maxWaitMs: host.settings.auditCheckpointMs ?? 60_000,
      clock: host.clock,
      logger: host.log,
    });
    // every export and proof an inspector asks for is itself recorded, when the access log runs
    const inspections = host.services.has('inspections') ? host.services.get('inspections') : undefined;
    app.decorate('audit', { service, worker });
    host.services.provide('audit', { service, inspections });
    await app.register(auditRoutes, { service, inspections });
    const every = host.settings.auditCheckpointMs ?? 60_000;
    if (every > 0) {
      app.addHook('onReady', async () => worker.start(Math.min(every, 1000)));
      app.addHook('onClose', async () => worker.stop());
    }
  },
  { name: 'audit', fastify: '5.x' },
);
