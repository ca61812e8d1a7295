import type { ApiContext } from '../../api/graphql/kit/context.js';
import { requireRole } from '../../api/graphql/kit/context.js';
import type { Clock } from '../../kernel/clock.js';
import { ExchangeDocumentNotFoundError, ExchangeInputError } from '../../kernel/errors/index.js';
import type { EventStore } from '../../kernel/event-store.js';
import { randomId } from '../../kernel/ids.js';
import type { ArgumentLimit } from '../../kernel/module.js';
import type { Principal } from '../../kernel/principal.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import type { HubDirectory } from './directory.js';
import type { DocumentInput, EnvelopeComposer, StatusInput } from './envelopes.js';
import {
  EXCHANGE_ROLES,
  type ExchangeDocumentView,
  getExchangeDocument,
  inboxOf,
  type MessageView,
  messagesOf,
  overdueRecipients,
  recipientsOf,
  sentBy,
  visibleDocument,
} from './queries.js';
import type { ExchangeService, Receipt } from './service.js';
import { localTrail, type TrailEvent, trailAcrossHubs } from './trail.js';
import type { HubKey } from './transport.js';

/** What the resolvers read besides the service: the read model, the trail's sources. */
export interface ExchangeQueries {
  db: ReadModelDb;
  store: EventStore;
  directory: HubDirectory;
  key: HubKey;
  clock: Clock;
}

declare module '../../api/graphql/kit/context.js' {
  interface ApiServices {
    exchangeComposer: EnvelopeComposer;
    exchangeQueries: ExchangeQueries;
  }
}

const SENDERS = ['consumer', 'provider', 'operator'] as const;

function bounded(value: number | undefined, field: string, fallback: number): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > 500)
    throw new ExchangeInputError(field, 'must be an integer from 1 to 500');
  return n;
}

const kindOut = (kind: string) => kind.toUpperCase();

const receiptOut = (r: Receipt) => ({
  ...r,
  kind: kindOut(r.kind),
  routes: r.routes.map((route) => ({ ...route, action: route.action.toUpperCase() })),
});

const messageOut = (m: MessageView) => ({
  ...m,
  kind: kindOut(m.kind),
  envelopeUrl: `/exchange/v1/messages/${m.messageKey}/envelope`,
});

/** A document with what the caller may see of it: its sender, its recipients, inspectors. */
const documentOut = (document: ExchangeDocumentView) => ({
  ...document,
  recall: document.recall.toUpperCase(),
});

type DocumentOut = ReturnType<typeof documentOut>;

export const exchangeResolvers = {
  Query: {
    exchangeInbox(
      _: unknown,
      args: { after?: number; first?: number; kind?: 'DOCUMENT' | 'STATUS' },
      ctx: ApiContext,
    ) {
      const principal = requireRole(ctx, ...EXCHANGE_ROLES);
      const after = args.after ?? 0;
      if (!Number.isSafeInteger(after) || after < 0)
        throw new ExchangeInputError('after', 'must be a position (≥ 0)');
      const items = inboxOf(ctx.services.exchangeQueries.db, principal.agency, {
        after,
        limit: bounded(args.first, 'first', 50),
        ...(args.kind ? { kind: args.kind === 'DOCUMENT' ? 'document' : 'status' } : {}),
      });
      return { items: items.map(messageOut), next: items.at(-1)?.position ?? null };
    },
    exchangeOutbox(_: unknown, args: { first?: number }, ctx: ApiContext) {
      const principal = requireRole(ctx, ...EXCHANGE_ROLES);
      const q = ctx.services.exchangeQueries;
      return sentBy(q.db, principal.agency, bounded(args.first, 'first', 50)).map(documentOut);
    },
    exchangeDocument(_: unknown, args: { documentId: string }, ctx: ApiContext) {
      const principal = requireRole(ctx, ...EXCHANGE_ROLES);
      const visible = visibleDocument(ctx.services.exchangeQueries.db, principal, args.documentId);
      return visible ? documentOut(visible.document) : null;
    },
    overdueExchangeDocuments(_: unknown, args: { first?: number }, ctx: ApiContext) {
      const principal = requireRole(ctx, ...EXCHANGE_ROLES);
      const q = ctx.services.exchangeQueries;
      return overdueRecipients(q.db, q.clock(), {
        ...(principal.role === 'inspector' ? {} : { organCode: principal.agency }),
        limit: bounded(args.first, 'first', 100),
      }).map((r) => ({ ...r, reason: r.reason.toUpperCase().replace('-', '_') }));
    },
  },
  ExchangeDocument: {
    recipients: (parent: DocumentOut, _: unknown, ctx: ApiContext) =>
      recipientsOf(ctx.services.exchangeQueries.db, parent.documentId),
    messages: (parent: DocumentOut, _: unknown, ctx: ApiContext) =>
      messagesOf(ctx.services.exchangeQueries.db, parent.documentId).map(messageOut),
    trail(parent: DocumentOut, args: { acrossHubs?: boolean }, ctx: ApiContext): Promise<TrailEvent[]> {
      const q = ctx.services.exchangeQueries;
      return args.acrossHubs
        ? trailAcrossHubs({ ...q, ids: randomId }, parent.documentId)
        : localTrail(q.store, q.key.hubId, parent.documentId);
    },
  },
  Mutation: {
    async sendDocument(_: unknown, args: { input: DocumentInput }, ctx: ApiContext) {
      const principal = requireRole(ctx, ...SENDERS);
      const envelope = await ctx.services.exchangeComposer.document(principal.agency, args.input);
      return receiptOut(await submit(ctx.services.exchange, envelope, principal));
    },
    async reportDocumentStatus(_: unknown, args: { input: StatusInput }, ctx: ApiContext) {
      const principal = requireRole(ctx, ...EXCHANGE_ROLES);
      const document = getExchangeDocument(ctx.services.exchangeQueries.db, args.input.documentId);
      if (!document) throw new ExchangeDocumentNotFoundError(args.input.documentId);
      const envelope = await ctx.services.exchangeComposer.status(principal.agency, document, args.input);
      return receiptOut(await submit(ctx.services.exchange, envelope, principal));
    },
    async submitEnvelope(_: unknown, args: { xml: string }, ctx: ApiContext) {
      const principal = requireRole(ctx, ...SENDERS);
      return receiptOut(await submit(ctx.services.exchange, Buffer.from(args.xml, 'utf8'), principal));
    },
  },
};

const submit = (service: ExchangeService, envelope: Buffer, principal: Principal) =>
  service.submit(envelope, { channel: 'api' }, { agency: principal.agency, official: principal.official });

/** The arguments written into events, bounded by those events' schemas. */
export const exchangeArgumentLimits: readonly ArgumentLimit[] = [
  {
    field: 'Mutation.sendDocument',
    argument: 'input.subject',
    event: 'ExchangeMessageAccepted',
    path: 'document.subject',
  },
  {
    field: 'Mutation.sendDocument',
    argument: 'input.codeNumber',
    event: 'ExchangeMessageAccepted',
    path: 'document.codeNumber',
  },
  {
    field: 'Mutation.sendDocument',
    argument: 'input.codeNotation',
    event: 'ExchangeMessageAccepted',
    path: 'document.codeNotation',
  },
  {
    field: 'Mutation.sendDocument',
    argument: 'input.to',
    event: 'ExchangeMessageAccepted',
    path: 'document.toOrgans',
  },
  {
    field: 'Mutation.reportDocumentStatus',
    argument: 'input.statusCode',
    event: 'ExchangeMessageAccepted',
    path: 'status.statusCode',
  },
  {
    field: 'Mutation.reportDocumentStatus',
    argument: 'input.description',
    event: 'ExchangeMessageAccepted',
    path: 'status.description',
  },
];
