import type { ExistingDocument } from './access.js';

/** Where a document's content is downloaded. */
export const contentUrl = (documentId: string) => `/documents/${documentId}/content`;

/**
 * A document's metadata as the HTTP routes answer it (and GraphQL resolves it): ids, hashes, pages,
 * who digitised or issued it, the signature, reuses and revocation; never its content and never
 * its subject.
 */
export function documentJson(state: ExistingDocument) {
  const d = state.document;
  const digitised = d.kind === 'digitised' ? d : null;
  const result = d.kind === 'result' ? d : null;
  return {
    id: d.documentId,
    kind: d.kind,
    status: state.status,
    eventId: state.sourceEventId,
    dossier: d.dossier,
    componentCode: digitised?.componentCode ?? null,
    resultType: d.resultType,
    mediaType: d.mediaType,
    size: d.size,
    pages: d.pages,
    contentHash: d.contentHash,
    blobHash: d.blobHash,
    digitisedBy: digitised?.digitisedBy ?? null,
    digitisedAt: digitised?.digitisedAt ?? null,
    certifiedCopy: digitised ? digitised.certifiedCopy : null,
    issuer: result?.issuer ?? null,
    issuedAt: result?.issuedAt ?? null,
    validUntil: result?.validUntil ?? null,
    recordedBy: result?.recordedBy ?? null,
    signature: result
      ? { jws: result.signature, kid: result.signedWith.kid, alg: result.signedWith.alg }
      : null,
    reuses: state.uses.map((u) => ({
      dossier: u.dossier,
      componentCode: u.componentCode,
      agency: u.by.agency,
      official: u.by.official,
      at: u.at,
      eventId: u.eventId,
    })),
    revoked: state.revoked
      ? { at: state.revoked.at, reason: state.revoked.reason, agency: state.revoked.by.agency }
      : null,
    contentUrl: contentUrl(d.documentId),
  };
}
