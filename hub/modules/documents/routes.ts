import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { citizenOf } from '../../api/graphql/kit/context.js';
import { requireRole } from '../../auth/index.js';
import type { Clock } from '../../kernel/clock.js';
import {
  DocumentInputError,
  DocumentMediaTypeNotAllowedError,
  DocumentTooLargeError,
} from '../../kernel/errors/index.js';
import type { Principal } from '../../kernel/principal.js';
import type { Pseudonymizer } from '../../privacy/pseudonym.js';
import { MEDIA_TYPES } from './events.js';
import { requireDocumentId } from './input.js';
import { claimsIssue, RESULT_ALGORITHMS, RESULT_JWS_TYPE } from './result-signature.js';
import type { DocumentService } from './service.js';
import type { DocumentActor } from './types.js';
import { documentJson } from './views.js';

/** Routes taking agency tokens (the auth plugin verifies `Authorization` on them). */
const AUTHENTICATED = { agencyAuth: true } as const;

/** The header naming the data subject of an agency's upload; never logged, turned into a pseudonym at once. */
export const SUBJECT_HEADER = 'x-subject-personal-id';
/** The header carrying the compact JWS of an electronic result. */
export const SIGNATURE_HEADER = 'x-result-signature';

export interface DocumentRoutesOptions {
  service: DocumentService;
  pseudonymize: Pseudonymizer;
}

type Query = Record<string, string | undefined>;

const actor = (request: FastifyRequest): DocumentActor => ({
  agency: request.principal!.agency,
  official: request.principal!.official,
  correlationId: request.id,
});

/** A query parameter or header that must be present. */
function required(value: string | undefined, field: string): string {
  if (value === undefined || value === '') throw new DocumentInputError(field, 'is required');
  return value;
}

function positiveInteger(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9][0-9]{0,5}$/.test(value)) throw new DocumentInputError(field, 'must be a positive integer');
  return Number(value);
}

function flag(value: string | undefined, field: string): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw new DocumentInputError(field, 'must be true or false');
}

/** The subject of an upload: the citizen a portal acts for, or the personal ID an agency names. */
function subjectOf(request: FastifyRequest, principal: Principal, pseudonymize: Pseudonymizer): string {
  if (principal.role === 'citizen-portal') return citizenOf(principal);
  const personalId = required(request.headers[SUBJECT_HEADER] as string | undefined, SUBJECT_HEADER);
  if (!/^[0-9]{12}$/.test(personalId)) throw new DocumentInputError(SUBJECT_HEADER, 'must be 12 digits');
  return pseudonymize('citizen', personalId);
}

/**
 * The documents' HTTP routes, with bodies taken as raw bytes of the declared `Content-Type` (up to
 * the service's limit): `POST /documents` (a digitised component), `POST /documents/results` (a
 * signed electronic result), `GET /documents/:id/content` (a recorded download).
 */
export async function documentRoutes(app: FastifyInstance, { service, pseudonymize }: DocumentRoutesOptions) {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: service.maxBytes }, (_request, body, done) =>
    done(null, body),
  );
  // fastify's own refusals of the body (over the limit, an empty Content-Type) as this module's errors;
  // the app's error handler answers them
  app.setErrorHandler(async (error: FastifyError) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') throw new DocumentTooLargeError(service.maxBytes);
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      throw new DocumentMediaTypeNotAllowedError('', MEDIA_TYPES);
    throw error;
  });

  app.post(
    '/documents',
    { config: AUTHENTICATED, preHandler: requireRole('consumer', 'provider', 'citizen-portal') },
    async (request, reply) => {
      const principal = request.principal!;
      const query = request.query as Query;
      const certifiedCopy = flag(query.certified, 'certified');
      if (certifiedCopy && principal.role === 'citizen-portal') {
        throw new DocumentInputError('certified', 'only an agency certifies an electronic copy');
      }
      const document = await service.digitise(actor(request), {
        subject: subjectOf(request, principal, pseudonymize),
        dossier: required(query.dossier, 'dossier'),
        componentCode: required(query.component, 'component'),
        content: bodyOf(request),
        mediaType: request.headers['content-type'] ?? '',
        pages: positiveInteger(query.pages, 'pages'),
        certifiedCopy,
        resultType: query.resultType ?? null,
      });
      reply.code(201);
      return documentJson(document);
    },
  );

  app.post(
    '/documents/results',
    { config: AUTHENTICATED, preHandler: requireRole('consumer', 'provider') },
    async (request, reply) => {
      const query = request.query as Query;
      const document = await service.issueResult(actor(request), {
        signature: required(request.headers[SIGNATURE_HEADER] as string | undefined, SIGNATURE_HEADER),
        content: bodyOf(request),
        mediaType: request.headers['content-type'] ?? '',
        pages: positiveInteger(query.pages, 'pages'),
      });
      reply.code(201);
      return documentJson(document);
    },
  );

  app.get(
    '/documents/:id/content',
    { config: AUTHENTICATED, preHandler: requireRole() },
    async (request, reply) => {
      const id = requireDocumentId((request.params as { id: string }).id);
      const query = request.query as Query;
      const { document, content, accessId } = await service.download(request.principal!, id, {
        purpose: query.purpose,
        dossier: query.dossier ?? null,
        requestId: request.id,
      });
      const d = document.document;
      reply
        .header('content-type', d.mediaType)
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .header('content-disposition', `attachment; filename="${d.documentId}"`)
        .header('repr-digest', `sha-256=:${Buffer.from(d.contentHash, 'hex').toString('base64')}:`)
        .header('x-access-id', accessId);
      return content;
    },
  );
}

/** The raw body; an upload without one is refused naming the content. */
function bodyOf(request: FastifyRequest): Buffer {
  const body = request.body;
  if (!Buffer.isBuffer(body) || body.length === 0)
    throw new DocumentInputError('content', 'the body is empty');
  return body;
}

/**
 * `POST /documents/results/claims` (JSON): the exact claims an issuing agency signs for a result,
 * with the citizen named by the pseudonym the hub uses (agencies know the personal ID, not the
 * pseudonym). Nothing is recorded.
 */
export async function claimsRoute(
  app: FastifyInstance,
  { pseudonymize, clock }: { pseudonymize: Pseudonymizer; clock: Clock },
) {
  app.post(
    '/documents/results/claims',
    { config: AUTHENTICATED, preHandler: requireRole('consumer', 'provider') },
    async (request) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const personalId = body.personalId;
      if (typeof personalId !== 'string' || !/^[0-9]{12}$/.test(personalId)) {
        throw new DocumentInputError('personalId', 'must be 12 digits');
      }
      const claims = {
        contentHash: body.contentHash,
        resultType: body.resultType,
        dossier: body.dossier,
        issuer: request.principal!.agency,
        subject: pseudonymize('citizen', personalId),
        issuedAt: body.issuedAt ?? clock().toISOString(),
        ...(body.validUntil === undefined ? {} : { validUntil: body.validUntil }),
      };
      const issue = claimsIssue(claims);
      if (issue)
        throw new DocumentInputError(issue.path.replace(/^\//, '').replaceAll('/', '.'), issue.message);
      return { claims, header: { typ: RESULT_JWS_TYPE, algorithms: RESULT_ALGORITHMS } };
    },
  );
}
