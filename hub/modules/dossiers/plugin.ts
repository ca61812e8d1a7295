import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ModuleHost, ModulePlugin } from '../../kernel/module.js';
import { SubjectVault } from '../../privacy/sealed.js';
import { calendarDeadlines } from './calendar-deadlines.js';
import type { ProcedureLookup } from './ports.js';
import { DossierReadModel } from './projection.js';
import { DossierService } from './service.js';

declare module '../../api/graphql/kit/context.js' {
  interface ApiServices {
    /** Dossier commands, deadlines counted in the declared working calendar. */
    dossiers: DossierService;
  }
}

/**
 * Where the procedure catalogue is plugged in: the `procedureLookup` service, when a module listed
 * before this one provides it (the procedure catalogue module does, `hub/modules/procedures`).
 * Without it, commands that need a procedure are `PROCEDURE_CATALOGUE_UNAVAILABLE`.
 */
const catalogueOf = (host: ModuleHost): ProcedureLookup | undefined =>
  host.services.has('procedureLookup') ? host.services.get('procedureLookup') : undefined;

/**
 * The `dossiers` service of the GraphQL context: the dossier service with the working calendar
 * (the calendar module's `workingCalendar`) as its deadline calculator, the procedure catalogue
 * when one is provided, declarations sealed under the applicant's key, and the `dossiers` read
 * model applied at once.
 */
export const dossiersPlugin: ModulePlugin = fp(
  async (_app: FastifyInstance, host: ModuleHost) => {
    const service = new DossierService({
      store: host.store,
      calendar: calendarDeadlines(host.services.get('workingCalendar')),
      procedures: catalogueOf(host),
      sealer: new SubjectVault(host.keys),
      model: new DossierReadModel(host.readModels),
      logger: host.log,
      clock: host.clock,
    });
    host.services.provide('dossiers', service);
  },
  { name: 'dossiers', fastify: '5.x' },
);
