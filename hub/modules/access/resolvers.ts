import type { FieldNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import type { ApiContext } from '../../api/graphql/kit/context.js';
import { requireRole } from '../../api/graphql/kit/context.js';
import { graphql } from '../../api/graphql/kit/graphql-runtime.js';
import { ApiBadInputError, StreamNotFoundError } from '../../kernel/errors/index.js';
import type { DataAccessDeniedData, DataAccessedData } from './events.js';
import { accessStream } from './events.js';
import { receiptOf } from './receipt.js';
import type { ReleaseService } from './release.js';

declare module '../../api/graphql/kit/context.js' {
  interface ApiServices {
    /** Consented release of records (`person`). */
    release: ReleaseService;
  }
}

const { Kind } = graphql;

/** Top-level fields of the selection on the returned type (fragments expanded), in query order. */
export function selectedFields(info: GraphQLResolveInfo, exclude: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  const visit = (set: SelectionSetNode | undefined) => {
    for (const s of set?.selections ?? []) {
      if (s.kind === Kind.FIELD) {
        const name = (s as FieldNode).name.value;
        if (!name.startsWith('__') && !exclude.has(name)) out.add(name);
      } else if (s.kind === Kind.INLINE_FRAGMENT) visit(s.selectionSet);
      else visit(info.fragments[s.name.value]?.selectionSet);
    }
  };
  for (const node of info.fieldNodes) visit(node.selectionSet);
  return [...out];
}

const META = new Set(['release']);

/** `AccessEntry.outcome` of each event of a citizen's access stream. */
const OUTCOMES: Record<string, string> = {
  DataAccessed: 'RELEASED',
  DataAccessDenied: 'DENIED',
  DataAccessedByOperator: 'OPERATOR',
  DocumentAccessed: 'DOCUMENT',
};

export const accessResolvers = {
  Query: {
    async person(
      _: unknown,
      args: { personalId: string; purpose: string; dossier?: string | null },
      ctx: ApiContext,
      info: GraphQLResolveInfo,
    ) {
      const principal = requireRole(ctx, 'consumer', 'provider', 'citizen-portal', 'inspector', 'operator');
      const released = await ctx.services.release.releaseRecord({
        principal,
        dataset: 'population',
        key: args.personalId,
        purpose: args.purpose,
        dossier: args.dossier ?? null,
        fields: selectedFields(info, META),
        requestId: ctx.requestId,
        selection: 'person',
      });
      // not `{ ...released.values, release }`: see the DataAccessed data in release.ts
      return released && Object.assign({}, released.values, { release: receiptOf(released) });
    },

    async accessLog(_: unknown, args: { personalId: string; first?: number | null }, ctx: ApiContext) {
      requireRole(ctx, 'inspector');
      if (!/^[0-9]{12}$/.test(args.personalId))
        throw new ApiBadInputError('personalId must be 12 digits', { field: 'personalId' });
      const first = Math.min(Math.max(args.first ?? 100, 1), 1000);
      const subject = ctx.services.pseudonymize('citizen', args.personalId);
      try {
        const events = await ctx.services.store.readStream(accessStream(subject), { maxCount: first });
        return events.map((e) => {
          const d = e.data as DataAccessedData & Partial<DataAccessDeniedData>;
          return {
            id: e.id,
            outcome: OUTCOMES[e.type] ?? 'DENIED',
            at: e.metadata.occurredAt,
            agency: d.caller.agency,
            official: d.caller.official,
            dataset: d.dataset,
            fields: d.fields,
            purpose: d.purpose,
            dossier: d.dossier ?? null,
            reason: d.reason ?? null,
            contractId: d.contract?.id ?? null,
            contractVersion: d.contract?.version ?? null,
            consentId: d.consentId ?? null,
          };
        });
      } catch (error) {
        if (error instanceof StreamNotFoundError) return [];
        throw error;
      }
    },
  },
};
