import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter } from 'prom-client';
import type { ModuleHost, ModulePlugin } from '../../kernel/module.js';
import { DirectoryBlobStore } from './blob-store.js';
import { claimsRoute, documentRoutes } from './routes.js';
import { DocumentService } from './service.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The documents of dossiers (digitised components, signed results, reuse, downloads). */
    documents: DocumentService;
  }
}

declare module '../../kernel/module.js' {
  interface ModuleSettings {
    /** Largest document accepted, in bytes. Default 20 MiB. */
    documentMaxBytes?: number;
  }
}

/**
 * The document service over the file store `<dataDir>/documents/` (`app.documents`, and the
 * `documents` service of the GraphQL context), its HTTP routes, and the metric
 * `lienthong_document_integrity_failures_total{reason}`.
 */
export const documentsPlugin: ModulePlugin = fp(
  async (app: FastifyInstance, host: ModuleHost) => {
    const failures = app.hasDecorator('metrics')
      ? new Counter({
          name: 'lienthong_document_integrity_failures_total',
          help: 'Document reads refused because the stored bytes failed a check, by reason.',
          labelNames: ['reason'] as const,
          registers: [app.metrics.registry],
        })
      : undefined;
    const service = new DocumentService({
      store: host.store,
      readModels: host.readModels,
      blobs: new DirectoryBlobStore(path.join(host.config.dataDir, 'documents')),
      keys: host.keys,
      eventSchemas: host.eventSchemas,
      logger: host.log,
      clock: host.clock,
      maxBytes: host.settings.documentMaxBytes,
      onIntegrityFailure: (reason) => failures?.inc({ reason }),
    });
    app.decorate('documents', service);
    host.services.provide('documents', service);
    await app.register(documentRoutes, { service, pseudonymize: host.pseudonymize });
    await app.register(claimsRoute, { pseudonymize: host.pseudonymize, clock: host.clock });
  },
  { name: 'documents', fastify: '5.x' },
);
