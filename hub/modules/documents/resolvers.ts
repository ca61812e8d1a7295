import type { ApiContext } from '../../api/graphql/kit/context.js';
import { requireRole } from '../../api/graphql/kit/context.js';
import { ResultKeysUnavailableError, ResultSignatureInvalidError } from '../../kernel/errors/index.js';
import type { ExistingDocument } from './access.js';
import { requireDocumentId } from './input.js';
import type { DocumentService } from './service.js';
import { documentJson } from './views.js';

declare module '../../api/graphql/kit/context.js' {
  interface ApiServices {
    /** The documents of dossiers. */
    documents: DocumentService;
  }
}

type DocumentJson = ReturnType<typeof documentJson>;

/** The signature's status now: verified against the issuer's keys as the registry holds them. */
async function signature(parent: DocumentJson, _: unknown, ctx: ApiContext) {
  const signed = parent.signature;
  if (!signed) return { status: 'NOT_SIGNED', reason: null, kid: null, alg: null, jws: null };
  try {
    await ctx.services.documents.verifyResult(signed.jws);
    return { status: 'VALID', reason: null, ...signed };
  } catch (error) {
    if (error instanceof ResultKeysUnavailableError)
      return { status: 'KEYS_UNAVAILABLE', reason: error.message, ...signed };
    if (error instanceof ResultSignatureInvalidError)
      return { status: 'INVALID', reason: error.reason, ...signed };
    throw error;
  }
}

/** The metadata with the enums as GraphQL spells them. */
function toDocument(state: ExistingDocument) {
  const json = documentJson(state);
  return { ...json, kind: json.kind.toUpperCase(), status: json.status.toUpperCase() };
}

export const documentResolvers = {
  Query: {
    async document(_: unknown, args: { id: string }, ctx: ApiContext) {
      const principal = requireRole(ctx, 'consumer', 'provider', 'citizen-portal', 'inspector');
      return toDocument(await ctx.services.documents.describe(principal, requireDocumentId(args.id)));
    },
  },
  Mutation: {
    async revokeDocument(_: unknown, args: { id: string; reason: string }, ctx: ApiContext) {
      const principal = requireRole(ctx, 'consumer', 'provider');
      const by = { agency: principal.agency, official: principal.official, correlationId: ctx.requestId };
      return toDocument(
        await ctx.services.documents.revoke(by, {
          documentId: requireDocumentId(args.id),
          reason: args.reason,
        }),
      );
    },
  },
  Document: { signature },
};
