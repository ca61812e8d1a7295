import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { requireRole } from '../../auth/index.js';
import {
  AuthForbiddenError,
  ExchangeDocumentNotFoundError,
  ExchangeInputError,
  HubError,
} from '../../kernel/errors/index.js';
import type { EventStore } from '../../kernel/event-store.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import type { BatchAnswer } from './outbox.js';
import { EXCHANGE_ROLES, getMessage, inboxOf, inInbox, messagesOf, visibleDocument } from './queries.js';
import type { ExchangeService, Receipt } from './service.js';
import { localTrail } from './trail.js';
import {
  ENVELOPES_REQUEST,
  HUB_SIGNATURE_HEADER,
  type HubKey,
  type HubRequestVerifier,
  trailRequest,
} from './transport.js';

export interface ExchangeRoutesOptions {
  service: ExchangeService;
  verifier: HubRequestVerifier;
  key: HubKey;
  readModels: ReadModelDb;
  store: EventStore;
  /** Largest envelope taken, in bytes (the codec refuses larger ones too). */
  maxBytes: number;
}

const AUTHENTICATED = { agencyAuth: true } as const;

const receiptJson = (r: Receipt) => ({
  documentId: r.documentId,
  messageKey: r.messageKey,
  kind: r.kind,
  duplicate: r.duplicate,
  routes: r.routes,
  ...(r.position !== undefined ? { position: r.position } : {}),
});

function bodyOf(request: FastifyRequest): Buffer {
  const body = request.body;
  if (!Buffer.isBuffer(body) || body.length === 0)
    throw new ExchangeInputError('body', 'an edXML envelope is required');
  return body;
}

/** Envelopes one request between hubs may carry. */
const MAX_BATCH = 64;

function batchOf(body: Buffer): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ExchangeInputError('body', 'is not JSON');
  }
  const envelopes = (parsed as { envelopes?: unknown }).envelopes;
  if (!Array.isArray(envelopes) || envelopes.length === 0 || envelopes.length > MAX_BATCH) {
    throw new ExchangeInputError('envelopes', `must list 1 to ${MAX_BATCH} envelopes`);
  }
  if (!envelopes.every((e) => typeof e === 'string'))
    throw new ExchangeInputError('envelopes', 'must be XML texts');
  return envelopes as string[];
}

function cursor(value: string | undefined, field: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]{1,15}$/.test(value) || Number(value) > max) {
    throw new ExchangeInputError(field, `must be an integer between 0 and ${max}`);
  }
  return Number(value);
}

/**
 * The exchange's HTTP side. Between hubs: `POST /exchange/v1/envelopes` (a signed request, see
 * transport.ts; the hub's request key is its signing key, at `/.well-known/jwks.json`). For the document
 * systems of the organs this hub serves, in the style of the national exchange axis (bearer tokens
 * of the agency): send (`POST /exchange/v1/send`, a signed document or status envelope), receive
 * (`GET /exchange/v1/inbox`, then `GET /exchange/v1/messages/:key/envelope`) and follow a document
 * (`GET /exchange/v1/documents/:id`). Other hubs also read a document's trail here
 * (`GET /exchange/v1/trail/:documentId`, a signed request) to follow it across hubs.
 */
export async function exchangeRoutes(app: FastifyInstance, options: ExchangeRoutesOptions) {
  const { service, verifier, readModels } = options;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.maxBytes }, (_request, body, done) =>
    done(null, body),
  );
  app.setErrorHandler(async (error: FastifyError) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      throw new ExchangeInputError('body', `larger than ${options.maxBytes} bytes`);
    }
    if (error.code === 'FST_ERR_CTP_EMPTY_TYPE' || error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      throw new ExchangeInputError('content-type', 'must be application/xml');
    }
    throw error;
  });

  app.get('/exchange/v1/trail/:documentId', async (request) => {
    const { documentId } = request.params as { documentId: string };
    await verifier.verify(
      request.headers[HUB_SIGNATURE_HEADER] as string | undefined,
      new Uint8Array(),
      trailRequest(documentId),
    );
    return { events: await localTrail(options.store, options.key.hubId, documentId) };
  });

  // one envelope (application/xml), or several (application/json `{ envelopes: [xml…] }`), each
  // answered on its own: `{ answers: [{ ok, duplicate, … } | { ok: false, status, code, message }] }`
  app.post('/exchange/v1/envelopes', async (request) => {
    const body = bodyOf(request);
    const from = await verifier.verify(
      request.headers[HUB_SIGNATURE_HEADER] as string | undefined,
      body,
      ENVELOPES_REQUEST,
    );
    const via = (requestId: string) => ({ channel: 'hub' as const, hubId: from.hubId, requestId });
    if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) {
      return receiptJson(await service.receive(body, via(from.requestId)));
    }
    const answers: BatchAnswer[] = await Promise.all(
      batchOf(body).map(async (xml, i) => {
        try {
          const receipt = await service.receive(Buffer.from(xml, 'utf8'), via(`${from.requestId}#${i}`));
          return {
            ok: true as const,
            duplicate: receipt.duplicate,
            documentId: receipt.documentId,
            messageKey: receipt.messageKey,
          };
        } catch (error) {
          if (!(error instanceof HubError)) {
            request.log.error({ err: error }, 'an envelope of a batch failed');
            return { ok: false as const, status: 500, code: 'INTERNAL', message: 'internal error' };
          }
          return {
            ok: false as const,
            status: error.status,
            code: error.code,
            message: error.message,
            details: error.details(),
          };
        }
      }),
    );
    return { answers };
  });

  app.post(
    '/exchange/v1/send',
    { config: AUTHENTICATED, preHandler: requireRole(...EXCHANGE_ROLES) },
    async (request, reply) => {
      const channel = (request.query as { channel?: string }).channel ?? 'axis';
      if (channel !== 'axis' && channel !== 'folder')
        throw new ExchangeInputError('channel', 'must be axis or folder');
      const receipt = await service.submit(
        bodyOf(request),
        { channel },
        {
          agency: request.principal!.agency,
          official: request.principal!.official,
        },
      );
      reply.code(receipt.duplicate ? 200 : 201);
      return receiptJson(receipt);
    },
  );

  app.get(
    '/exchange/v1/inbox',
    { config: AUTHENTICATED, preHandler: requireRole(...EXCHANGE_ROLES) },
    async (request) => {
      const query = request.query as { after?: string; limit?: string; kind?: string };
      const kind = query.kind;
      if (kind !== undefined && kind !== 'document' && kind !== 'status') {
        throw new ExchangeInputError('kind', 'must be document or status');
      }
      const items = inboxOf(readModels, request.principal!.agency, {
        after: cursor(query.after, 'after', Number.MAX_SAFE_INTEGER) ?? 0,
        limit: cursor(query.limit, 'limit', 500) ?? 50,
        ...(kind ? { kind } : {}),
      });
      return { items, next: items.at(-1)?.position ?? null };
    },
  );

  app.get(
    '/exchange/v1/messages/:key/envelope',
    { config: AUTHENTICATED, preHandler: requireRole(...EXCHANGE_ROLES) },
    async (request, reply) => {
      const { key } = request.params as { key: string };
      if (!/^[0-9a-f]{64}$/.test(key))
        throw new ExchangeInputError('key', 'must be a message key (64 hex digits)');
      const message = getMessage(readModels, key);
      const organ = request.principal!.agency;
      if (!message) throw new ExchangeDocumentNotFoundError(key);
      if (message.fromOrgan !== organ && !inInbox(readModels, organ, key)) {
        throw new AuthForbiddenError(`organ ${organ} neither sent nor received this message`);
      }
      const bytes = await service.envelopeOf(message.documentId, key);
      if (!bytes) throw new ExchangeDocumentNotFoundError(message.documentId);
      reply.header('content-type', 'application/xml; charset=utf-8').header('cache-control', 'no-store');
      return bytes;
    },
  );

  app.get(
    '/exchange/v1/documents/:id',
    { config: AUTHENTICATED, preHandler: requireRole(...EXCHANGE_ROLES) },
    async (request) => {
      const { id } = request.params as { id: string };
      const visible = visibleDocument(readModels, request.principal!, id);
      if (!visible) throw new ExchangeDocumentNotFoundError(id);
      const { document, recipients } = visible;
      return { document, recipients, messages: messagesOf(readModels, id) };
    },
  );
}
