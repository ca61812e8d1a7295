import type { ApiContext } from '../../api/graphql/kit/context.js';
import { requireRole } from '../../api/graphql/kit/context.js';
import { roles } from '../../kernel/principal.js';
import type { ComponentSupply, ServiceLevel } from './events.js';
import { getProcedure, listProcedures } from './queries.js';
import type { ProcedureRecord } from './types.js';

type ServiceLevelName = 'FULL_ONLINE' | 'PARTLY_ONLINE' | 'INFORMATION_ONLY';

const SERVICE_LEVELS: Readonly<Record<ServiceLevelName, ServiceLevel>> = {
  FULL_ONLINE: 'full-online',
  PARTLY_ONLINE: 'partly-online',
  INFORMATION_ONLY: 'information-only',
};
const serviceLevelName = (level: ServiceLevel) =>
  (Object.keys(SERVICE_LEVELS) as ServiceLevelName[]).find((k) => SERVICE_LEVELS[k] === level);

const supplyOf = (supply: ComponentSupply) => {
  if ('dataset' in supply) return { kind: 'dataset', ...supply };
  if ('result' in supply) return { kind: 'result', result: supply.result };
  return { kind: 'upload' in supply ? 'upload' : 'declaration' };
};

/** A read-model record as the GraphQL `Procedure` type. */
export const toProcedure = (p: ProcedureRecord) => ({
  ...p,
  serviceLevel: serviceLevelName(p.serviceLevel),
  fee: { ...p.fee, schedule: p.fee.schedule ?? [], exemptions: p.fee.exemptions ?? [] },
  components: p.components.map((c) => ({ ...c, supply: supplyOf(c.supply) })),
});

export const procedureResolvers = {
  Query: {
    procedure(_: unknown, args: { code: string; version?: number | null }, ctx: ApiContext) {
      requireRole(ctx, ...roles);
      const p = getProcedure(ctx.services.readModels, args.code, args.version ?? undefined);
      return p ? toProcedure(p) : null;
    },

    procedures(
      _: unknown,
      args: {
        field?: string | null;
        level?: string | null;
        serviceLevel?: ServiceLevelName | null;
        includeWithdrawn: boolean;
      },
      ctx: ApiContext,
    ) {
      requireRole(ctx, ...roles);
      return listProcedures(ctx.services.readModels, {
        ...(args.field ? { field: args.field } : {}),
        ...(args.level ? { level: args.level } : {}),
        ...(args.serviceLevel ? { serviceLevel: SERVICE_LEVELS[args.serviceLevel] } : {}),
        status: args.includeWithdrawn ? 'any' : 'published',
      }).map(toProcedure);
    },
  },
};
