import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ModuleHost, ModulePlugin } from '../../kernel/module.js';
import type { WorkingCalendar } from './calendar.js';
import { workingCalendarOf } from './queries.js';

declare module '../../api/graphql/kit/context.js' {
  interface ApiServices {
    /**
     * The working calendar of the `working-calendar` read model, rebuilt only when it changes.
     * Throws `CALENDAR_YEAR_NOT_DECLARED` for a day of a year not declared.
     */
    workingCalendar: () => WorkingCalendar;
  }
}

/** The `workingCalendar` service of the GraphQL context, for the modules after this one. */
export const calendarPlugin: ModulePlugin = fp(
  async (_app: FastifyInstance, host: ModuleHost) => {
    host.services.provide('workingCalendar', workingCalendarOf(host.readModels));
  },
  { name: 'calendar', fastify: '5.x' },
);
