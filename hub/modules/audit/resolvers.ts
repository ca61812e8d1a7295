import { type ApiContext, type ApiServices, requireRole } from '../../api/graphql/kit/context.js';
import { AuditInputError } from '../../kernel/errors/index.js';
import type { ModuleResolvers } from '../../kernel/module.js';
import type { AuditService } from './service.js';

/** The `audit` service of the GraphQL context. */
export interface AuditApi {
  service: AuditService;
  /** The access log's record of inspectors' reads, when that module runs. */
  inspections: ApiServices['inspections'] | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const auditResolvers: ModuleResolvers = {
  Query: {
    auditCheckpoint(_: unknown, _args: unknown, ctx: ApiContext) {
      requireRole(ctx, 'inspector');
      const { service } = ctx.services.audit;
      const latest = service.latest();
      return latest && service.view(latest);
    },
    async auditProof(_: unknown, args: { eventId: string }, ctx: ApiContext) {
      const principal = requireRole(ctx, 'inspector');
      if (!UUID.test(args.eventId)) throw new AuditInputError('eventId', 'must be a UUID');
      const { service, inspections } = ctx.services.audit;
      const proof = await service.proof(args.eventId);
      await inspections?.record(principal, {
        kind: 'audit-proof',
        subject: proof?.subject ?? null,
        query: { eventId: args.eventId },
        count: proof ? 1 : 0,
        requestId: ctx.requestId,
      });
      return proof;
    },
  },
};
