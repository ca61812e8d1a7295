import { AuthForbiddenError } from '../../kernel/errors/index.js';
import type { Principal } from '../../kernel/principal.js';
import type { DocumentRecord, DocumentState } from './decider.js';
import { ownerOf } from './decider.js';
import type { DocumentAccessedData } from './events.js';

/**
 * Agencies handling a dossier, as the module that keeps dossiers knows them (the receiving
 * agency, agencies a step was assigned to). Documents know only the agencies their own events name.
 */
export type DossierAgencies = (dossier: string) => readonly string[];

/** A document that exists (its stream holds a digitisation or a result). */
export type ExistingDocument = Exclude<DocumentState, { status: 'none' }>;

/** Every dossier the document serves: the one it was made for and each one it was reused in. */
export const dossiersOf = (state: ExistingDocument): string[] => [
  ...new Set([state.document.dossier, ...state.uses.map((u) => u.dossier)]),
];

/** Agencies the document's own events name: owner, who recorded it, who reused it. */
function namedAgencies(state: ExistingDocument): Set<string> {
  const document: DocumentRecord = state.document;
  const agencies = new Set([ownerOf(document), ...state.uses.map((u) => u.by.agency)]);
  if (document.kind === 'result') agencies.add(document.recordedBy.agency);
  return agencies;
}

/**
 * Who may see a document (its content or its metadata):
 * - an inspector, any document;
 * - a citizen portal, the documents of the citizen it acts for;
 * - an agency (consumer or provider role), a document it issued, digitised, recorded or reused, or one
 *   serving a dossier it handles (`dossierAgencies`);
 * nobody else. Throws AUTH_FORBIDDEN otherwise.
 */
export function authorise(
  principal: Principal,
  state: ExistingDocument,
  dossierAgencies?: DossierAgencies,
): void {
  switch (principal.role) {
    case 'inspector':
      return;
    case 'citizen-portal':
      if (principal.citizen !== undefined && principal.citizen === state.document.subject) return;
      throw new AuthForbiddenError('a citizen portal sees only the documents of the citizen it acts for');
    case 'consumer':
    case 'provider': {
      if (namedAgencies(state).has(principal.agency)) return;
      const handling = dossiersOf(state).some((d) => dossierAgencies?.(d).includes(principal.agency));
      if (handling) return;
      throw new AuthForbiddenError('the agency neither holds nor handles a dossier this document serves');
    }
    default:
      throw new AuthForbiddenError(`role ${principal.role} may not read documents`, [
        'consumer',
        'provider',
        'citizen-portal',
        'inspector',
      ]);
  }
}

/** The purpose recorded when the caller names none. */
export const DEFAULT_PURPOSES: Record<string, string> = {
  inspector: 'inspection',
  'citizen-portal': 'citizen-own-documents',
  consumer: 'dossier-processing',
  provider: 'dossier-processing',
};

/** What a DocumentAccessed records about one download. */
export function accessRecord(
  principal: Principal,
  state: ExistingDocument,
  request: { purpose: string; dossier: string | null; requestId: string },
): DocumentAccessedData {
  return {
    caller: {
      agency: principal.agency,
      official: principal.official,
      role: principal.role,
      tokenId: principal.tokenId,
    },
    subject: state.document.subject,
    dataset: 'documents',
    fields: ['content'],
    purpose: request.purpose,
    dossier: request.dossier,
    document: { documentId: state.document.documentId, contentHash: state.document.contentHash },
    requestId: request.requestId,
  };
}
