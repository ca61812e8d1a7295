import type { FieldNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import type { ApiContext } from '../../api/graphql/kit/context.js';
import { requireRole } from '../../api/graphql/kit/context.js';
import { graphql } from '../../api/graphql/kit/graphql-runtime.js';
import { StreamNotFoundError } from '../../kernel/errors/index.js';
import type { EventStore, RecordedEvent } from '../../kernel/event-store.js';
import type { FieldResolver } from '../../kernel/module.js';
import type { DataAccessDeniedData, DataAccessedData } from './events.js';
import { accessStream } from './events.js';
import { checkPersonalId } from './lookup.js';
import { receiptOf } from './receipt.js';
import type { Release, ReleaseQuery, ReleaseService } from './release.js';

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

/** The arguments of a root query that releases records: its lookup arguments, `purpose`, `dossier`. */
export type ReleaseArgs = Record<string, string | null | undefined> & {
  purpose: string;
  dossier?: string | null;
};

/**
 * A root query that releases records of `dataset` (role checked by the release, which records the
 * refusal): the caller and the fields selected on the record type make the request `run` completes.
 */
export function releaseResolver(
  dataset: string,
  field: string,
  run: (service: ReleaseService, base: ReleaseQuery, args: ReleaseArgs) => Promise<unknown>,
): FieldResolver {
  const resolve = async (_: unknown, args: ReleaseArgs, ctx: ApiContext, info: GraphQLResolveInfo) => {
    const principal = requireRole(ctx, 'consumer', 'provider', 'citizen-portal', 'inspector', 'operator');
    const base: ReleaseQuery = {
      principal,
      dataset,
      purpose: args.purpose,
      dossier: args.dossier ?? null,
      fields: selectedFields(info, META),
      requestId: ctx.requestId,
      selection: field,
    };
    return run(ctx.services.release, base, args);
  };
  return resolve as FieldResolver;
}

/**
 * What a record type answers: the values released (converted to the API's type) and `release`.
 * Not `{ ...values, release }`: see the DataAccessed data in release.ts.
 */
export const releasedRecord = (r: Release, convert: (values: unknown) => unknown = (v) => v) =>
  Object.assign(convert(r.values) as object, { release: receiptOf(r) });

/** `AccessEntry.outcome` of each event of a citizen's access stream. */
const OUTCOMES: Record<string, string> = {
  DataAccessed: 'RELEASED',
  DataAccessDenied: 'DENIED',
  DataAccessedByOperator: 'OPERATOR',
  DocumentAccessed: 'DOCUMENT',
};

/**
 * The first `first` accesses of a citizen's stream, oldest first: the stream also holds what is not
 * an access (`DisclosureDeferred`), left out.
 */
async function accessEventsOf(store: EventStore, stream: string, first: number): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  let from = 0;
  for (;;) {
    const page = await store.readStream(stream, { fromRevision: from, maxCount: first });
    for (const e of page) if (Object.hasOwn(OUTCOMES, e.type) && out.length < first) out.push(e);
    if (out.length >= first || page.length < first) return out;
    from = page.at(-1)!.revision + 1;
  }
}

export const accessResolvers = {
  Query: {
    person: releaseResolver('population', 'person', async (service, base, args) => {
      const released = await service.releaseRecord({ ...base, key: args.personalId! });
      return released && releasedRecord(released);
    }),

    async accessLog(_: unknown, args: { personalId: string; first?: number | null }, ctx: ApiContext) {
      requireRole(ctx, 'inspector');
      checkPersonalId(args.personalId);
      const first = Math.min(Math.max(args.first ?? 100, 1), 1000);
      const subject = ctx.services.pseudonymize('citizen', args.personalId);
      try {
        const events = await accessEventsOf(ctx.services.store, accessStream(subject), first);
        return events.map((e) => {
          const d = e.data as DataAccessedData & Partial<DataAccessDeniedData>;
          return {
            id: e.id,
            outcome: OUTCOMES[e.type],
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
