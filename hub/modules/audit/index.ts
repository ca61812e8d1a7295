import { type HubModule, readSchemaFile } from '../../kernel/module.js';
import { registerAuditCommands } from './cli.js';
import { auditPlugin } from './plugin.js';
import { auditLogProjection } from './projection.js';
import { auditResolvers } from './resolvers.js';

/**
 * Tamper evidence: a Merkle tree (RFC 6962) over every access event, Ed25519-signed checkpoints,
 * inclusion proofs, export bundles and their offline verification.
 */
export const auditModule: HubModule = {
  name: 'audit',
  projections: [auditLogProjection],
  plugin: auditPlugin,
  graphql: {
    typeDefs: readSchemaFile(new URL('./schema.graphql', import.meta.url)),
    resolvers: auditResolvers,
  },
  cli: (program, { projections }) => registerAuditCommands(program, projections),
};

export { BUNDLE_FORMAT, bundleLines, chunked, LEAVES_PER_LINE } from './bundle.js';
export { canonicalJson } from './canonical-json.js';
export {
  type CheckpointBody,
  type CheckpointSigner,
  type CheckpointVerifier,
  checkpointSigner,
  checkpointText,
  checkpointVerifier,
  jwkThumbprint,
  parseSignedNote,
  signCheckpoint,
  signedNote,
  verifyCheckpoint,
} from './checkpoint-note.js';
export { type AuditEntry, entryBytes, entryOf, isAudited } from './entries.js';
export * from './events.js';
export {
  consistencyProof,
  EMPTY_ROOT,
  inclusionProof,
  leafHash,
  MerkleFrontier,
  nodeHash,
  treeHead,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';
export { AuditLogModel, auditLogProjection, type StoredCheckpoint } from './projection.js';
export { AuditService, auditOrigin, type CheckpointView, type InclusionProofView } from './service.js';
export {
  BundleVerifier,
  type TrustedCheckpoint,
  type VerifyOptions,
  type VerifyReport,
  verifyBundle,
  verifyChunks,
  verifyLines,
} from './verify.js';
