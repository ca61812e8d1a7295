import type { ApiContext } from '../../api/graphql/kit/context.js';
import { requireRole } from '../../api/graphql/kit/context.js';
import {
  DocumentInputError,
  ResultKeysUnavailableError,
  ResultSignatureInvalidError,
} from '../../kernel/errors/index.js';
import type { DocumentService } from './service.js';
import { documentJson } from './views.js';

declare module '../../api/graphql/kit/context.js' {
  interface ApiServices {
    /** The documents of dossiers. */
    documents: DocumentService;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

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

export const documentResolvers = {
  Query: {
    async document(_: unknown, args: { id: string }, ctx: ApiContext) {
      const principal = requireRole(ctx, 'consumer', 'provider', 'citizen-portal', 'inspector');
      if (!UUID.test(args.id)) throw new DocumentInputError('id', 'must be a document id (UUID)');
      const json = documentJson(await ctx.services.documents.describe(principal, args.id));
      return { ...json, kind: json.kind.toUpperCase(), status: json.status.toUpperCase() };
    },
  },
  Document: { signature },
};
