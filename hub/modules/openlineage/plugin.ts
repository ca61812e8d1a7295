import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AGENCY_AUTH, requireRole } from '../../auth/index.js';
import { OpenLineageQueryError } from '../../kernel/errors/index.js';
import type { ModuleHost, ModulePlugin } from '../../kernel/module.js';
import { type ExportContext, exportEvents, planExport } from './export.js';
import { type ExportParameters, exportWindow, windowQuery } from './parameters.js';

const PARAMETERS = ['since', 'until', 'kind', 'limit'] as const;

/** The query string as export parameters: unknown and repeated parameters refused by name. */
function parametersOf(request: FastifyRequest): ExportParameters {
  const query = (request.query ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(query)) {
    if (!(PARAMETERS as readonly string[]).includes(name))
      throw new OpenLineageQueryError(name, `is not a parameter (${PARAMETERS.join(', ')})`);
    if (typeof value !== 'string') throw new OpenLineageQueryError(name, 'is given more than once');
  }
  return query as ExportParameters;
}

/**
 * `GET /openlineage/events?since=&until=&kind=runs|accesses&limit=` (inspectors): the connector runs
 * and data accesses of the window as OpenLineage RunEvents, one JSON object a line
 * (`application/x-ndjson`), streamed. The read is recorded through the `inspections` service
 * (kind `lineage`, the count of events) before the first line is sent.
 */
export const openLineagePlugin: ModulePlugin = fp(
  async (app: FastifyInstance, host: ModuleHost) => {
    // the access log's record of inspectors' reads (hub/modules/access-log), when the hub has it
    const inspections = host.services.has('inspections') ? host.services.get('inspections') : undefined;
    const context: ExportContext = {
      store: host.store,
      hubId: host.config.exchange.hubId,
      datasets: app.privacy.datasets,
    };
    app.get(
      '/openlineage/events',
      { config: AGENCY_AUTH, preHandler: requireRole('inspector') },
      async (request, reply) => {
        const window = exportWindow(parametersOf(request));
        const plan = await planExport(host.store, window);
        await inspections?.record(request.principal!, {
          kind: 'lineage',
          subject: null,
          query: windowQuery(window),
          count: plan.count,
          requestId: request.id,
        });
        const lines = async function* () {
          for await (const event of exportEvents(context, window, plan)) yield `${JSON.stringify(event)}\n`;
        };
        reply
          .type('application/x-ndjson; charset=utf-8')
          .header('cache-control', 'no-store')
          .header('x-openlineage-events', String(plan.count));
        return Readable.from(lines());
      },
    );
  },
  { name: 'openlineage', fastify: '5.x' },
);
