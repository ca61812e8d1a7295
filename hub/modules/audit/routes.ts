import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ApiServices } from '../../api/graphql/kit/context.js';
import { AGENCY_AUTH, requireRole } from '../../auth/index.js';
import { AuditInputError, AuditNoCheckpointError } from '../../kernel/errors/index.js';
import { chunked } from './bundle.js';
import type { AuditService } from './service.js';

export interface AuditRoutesOptions {
  service: AuditService;
  inspections: ApiServices['inspections'] | undefined;
}

/**
 * `GET /audit/checkpoint` (public): the latest signed checkpoint as JSON, or its signed note as text
 * with `?format=note`. `GET /audit/export` (inspector): the export bundle, streamed, recorded as the
 * inspector's read (`audit-export`) before its first byte leaves.
 */
export async function auditRoutes(app: FastifyInstance, { service, inspections }: AuditRoutesOptions) {
  app.get('/audit/checkpoint', { logLevel: 'warn' }, async (request, reply) => {
    const format = (request.query as { format?: string }).format ?? 'json';
    if (format !== 'json' && format !== 'note') throw new AuditInputError('format', 'must be json or note');
    const latest = service.latest();
    if (!latest) throw new AuditNoCheckpointError();
    const view = service.view(latest);
    reply.header('cache-control', 'no-cache');
    if (format === 'note') return reply.type('text/plain; charset=utf-8').send(view.note);
    return view;
  });

  app.get(
    '/audit/export',
    { config: AGENCY_AUTH, preHandler: requireRole('inspector') },
    async (request, reply) => {
      const latest = service.latest();
      const entries = service.model.size();
      await inspections?.record(request.principal!, {
        kind: 'audit-export',
        subject: null,
        query: {},
        count: entries,
        requestId: request.id,
      });
      const name = `audit-${(latest?.origin ?? 'hub').replace(/[^A-Za-z0-9.-]+/g, '-')}-${entries}.ndjson`;
      reply
        .header('content-type', 'application/x-ndjson')
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'no-store');
      // the bundle stops before the record of its own export, which a later checkpoint covers
      return reply.send(Readable.from(chunked(service.bundle(entries))));
    },
  );
}
