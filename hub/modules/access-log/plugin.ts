import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ModuleHost, ModulePlugin } from '../../kernel/module.js';
import { InspectionLog } from './inspections.js';

declare module '../../api/graphql/kit/context.js' {
  interface ApiServices {
    /** Every read of an inspector, recorded as `InspectionPerformed` before the answer leaves. */
    inspections: InspectionLog;
  }
}

/** The `inspections` service of the GraphQL context (other modules record their inspectors' reads with it). */
export const accessLogPlugin: ModulePlugin = fp(
  async (_app: FastifyInstance, host: ModuleHost) => {
    host.services.provide('inspections', new InspectionLog(host.store, { clock: host.clock }));
  },
  { name: 'access-log', fastify: '5.x' },
);
