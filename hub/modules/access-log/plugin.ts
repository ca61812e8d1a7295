import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ModuleHost, ModulePlugin } from '../../kernel/module.js';
import { DisclosureDeferrals } from './deferrals.js';
import { exportRoute } from './export.js';
import { InspectionLog } from './inspections.js';
import { AccessLogQueries } from './queries.js';
import { DataUseTracker } from './tracker.js';

declare module '../../api/graphql/kit/context.js' {
  interface ApiServices {
    /** Every read of an inspector, recorded as `InspectionPerformed` before the answer leaves. */
    inspections: InspectionLog;
  }
}

/**
 * The `inspections` service of the GraphQL context (other modules record their inspectors' reads
 * with it), the `accessLog` service (search, the citizens' data tracker, deferred disclosure) and
 * the route `GET /access-log/export`.
 */
export const accessLogPlugin: ModulePlugin = fp(
  async (app: FastifyInstance, host: ModuleHost) => {
    const inspections = new InspectionLog(host.store, { clock: host.clock });
    const queries = new AccessLogQueries(host.readModels);
    host.services.provide('inspections', inspections);
    host.services.provide('accessLog', {
      queries,
      tracker: new DataUseTracker(host.readModels, host.clock),
      deferrals: new DisclosureDeferrals({
        store: host.store,
        queries,
        pseudonymize: host.pseudonymize,
        clock: host.clock,
      }),
    });
    await app.register(exportRoute, {
      queries,
      inspections,
      pseudonymize: host.pseudonymize,
      clock: host.clock,
    });
  },
  { name: 'access-log', fastify: '5.x' },
);
