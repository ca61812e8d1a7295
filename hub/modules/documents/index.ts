import { type HubModule, readSchemaFile } from '../../kernel/module.js';
import { registerDocumentCommands } from './cli.js';
import { documentsPlugin } from './plugin.js';
import { documentsProjection } from './projection.js';
import { documentResolvers } from './resolvers.js';

/**
 * Documents of dossiers: digitised components and signed electronic results, their content in a
 * content-addressed file store under the citizen's key, reuse in later dossiers, recorded downloads.
 */
export const documentsModule: HubModule = {
  name: 'documents',
  projections: [documentsProjection],
  plugin: documentsPlugin,
  graphql: {
    typeDefs: readSchemaFile(new URL('./schema.graphql', import.meta.url)),
    resolvers: documentResolvers,
    argumentLimits: [
      { field: 'Mutation.revokeDocument', argument: 'reason', event: 'DocumentRevoked', path: 'reason' },
    ],
  },
  cli: (program, { projections }) => registerDocumentCommands(program, projections),
};

export type { DossierAgencies, ExistingDocument } from './access.js';
export { type BlobStore, DirectoryBlobStore, sha256Hex } from './blob-store.js';
export type { DocumentCommand } from './commands.js';
export type { DocumentRecord, DocumentState, DocumentUse } from './decider.js';
export { documentDecider, ownerOf, validUntilOf } from './decider.js';
export * from './events.js';
export { DEFAULT_MAX_DOCUMENT_BYTES } from './media.js';
export { DocumentsReadModel, documentsProjection } from './projection.js';
export { type DossierDocument, documentsOfDossier, type EarlierResult, findResults } from './queries.js';
export {
  RESULT_ALGORITHMS,
  RESULT_JWS_TYPE,
  type ResultAlgorithm,
  type ResultClaims,
  resultClaims,
  signResult,
  type VerifiedResult,
  verifyResultSignature,
} from './result-signature.js';
export { DocumentService } from './service.js';
export type { DigitiseInput, DocumentActor, DocumentServiceDeps, ResultInput } from './types.js';
export { contentUrl, documentJson } from './views.js';
