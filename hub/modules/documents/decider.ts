import { type Decider, eventOf } from '../../kernel/decider/index.js';
import {
  AuthForbiddenError,
  DocumentAlreadyExistsError,
  DocumentExpiredError,
  DocumentNotFoundError,
  DocumentRevokedError,
  DocumentSubjectMismatchError,
  UnknownCommandError,
} from '../../kernel/errors/index.js';
import type {
  DigitiseDocument,
  DocumentCommand,
  RecordElectronicResult,
  ReuseDocument,
  RevokeDocument,
} from './commands.js';
import type {
  ActingOfficial,
  DocumentDigitisedData,
  DocumentEvent,
  DocumentReused,
  DocumentRevoked,
  ElectronicResultIssuedData,
} from './events.js';

/** A document as its stream describes it: a digitised component or an electronic result. */
export type DocumentRecord =
  | ({ kind: 'digitised' } & DocumentDigitisedData)
  | ({ kind: 'result' } & ElectronicResultIssuedData);

/** A later dossier the document satisfies a component of. */
export interface DocumentUse {
  dossier: string;
  componentCode: string;
  by: ActingOfficial;
  at: string;
  /** The DocumentReused event. */
  eventId: string;
}

export type DocumentState =
  | { status: 'none' }
  | {
      status: 'active' | 'revoked';
      document: DocumentRecord;
      /** Id of the DocumentDigitised / ElectronicResultIssued event. */
      sourceEventId: string;
      uses: DocumentUse[];
      revoked: { at: string; reason: string; by: ActingOfficial } | null;
    };

export const initialState = (): DocumentState => ({ status: 'none' });

export const evolve = (state: DocumentState, event: DocumentEvent): DocumentState => {
  switch (event.type) {
    case 'DocumentDigitised':
      return fresh({ kind: 'digitised', ...event.data }, event.id);
    case 'ElectronicResultIssued':
      return fresh({ kind: 'result', ...event.data }, event.id);
    case 'DocumentReused': {
      if (state.status === 'none') return state;
      const d = event.data;
      const use = { dossier: d.dossier, componentCode: d.componentCode, by: d.reusedBy, at: d.reusedAt };
      return { ...state, uses: [...state.uses, { ...use, eventId: event.id }] };
    }
    case 'DocumentRevoked': {
      if (state.status === 'none') return state;
      const d = event.data;
      return { ...state, status: 'revoked', revoked: { at: d.revokedAt, reason: d.reason, by: d.revokedBy } };
    }
    default:
      return state;
  }
};

const fresh = (document: DocumentRecord, sourceEventId: string): DocumentState => ({
  status: 'active',
  document,
  sourceEventId,
  uses: [],
  revoked: null,
});

/** The agency answerable for the document: the issuer of a result, the digitiser of a scan. */
export const ownerOf = (document: DocumentRecord): string =>
  document.kind === 'result' ? document.issuer : document.digitisedBy.agency;

/** End of validity, or null (digitised papers carry none of their own). */
export const validUntilOf = (document: DocumentRecord): string | null =>
  document.kind === 'result' ? document.validUntil : null;

/** The dossier the document was made for, and the component (digitised papers only). */
export const originOf = (document: DocumentRecord): { dossier: string; componentCode: string | null } => ({
  dossier: document.dossier,
  componentCode: document.kind === 'digitised' ? document.componentCode : null,
});

export function decide(command: DocumentCommand, state: DocumentState): DocumentEvent[] {
  switch (command.type) {
    case 'DigitiseDocument':
      return record(command, state, { kind: 'digitised', ...command.data });
    case 'RecordElectronicResult':
      return record(command, state, { kind: 'result', ...command.data });
    case 'ReuseDocument':
      return reuse(command, state);
    case 'RevokeDocument':
      return revoke(command, state);
    default: {
      const never: never = command;
      throw new UnknownCommandError(never);
    }
  }
}

/**
 * What makes a repeated recording the same document (a retried upload, a result sent twice or signed
 * again), so that it appends nothing: everything but the time, the acting official and, for a
 * result, the signature's bytes (ES256 signs the same claims differently each time).
 */
function identity(document: DocumentRecord): string {
  const { documentId, subject, contentHash, blobHash, mediaType, pages } = document;
  const stored = [documentId, subject, contentHash, blobHash, mediaType, pages];
  if (document.kind === 'result') {
    const { resultType, dossier, issuer, issuedAt, validUntil } = document;
    return JSON.stringify(['result', ...stored, resultType, dossier, issuer, issuedAt, validUntil]);
  }
  const { dossier, componentCode, certifiedCopy, resultType, digitisedBy } = document;
  return JSON.stringify([
    'digitised',
    ...stored,
    dossier,
    componentCode,
    certifiedCopy,
    resultType,
    digitisedBy.agency,
  ]);
}

function record(
  command: DigitiseDocument | RecordElectronicResult,
  state: DocumentState,
  document: DocumentRecord,
): DocumentEvent[] {
  if (state.status !== 'none') {
    if (identity(state.document) === identity(document)) return [];
    throw new DocumentAlreadyExistsError(document.documentId);
  }
  return command.type === 'DigitiseDocument'
    ? [eventOf(command.meta, 'DocumentDigitised', command.data)]
    : [eventOf(command.meta, 'ElectronicResultIssued', command.data)];
}

function reuse({ data, meta }: ReuseDocument, state: DocumentState): DocumentReused[] {
  if (state.status === 'none') throw new DocumentNotFoundError(data.documentId);
  if (state.status === 'revoked') throw new DocumentRevokedError(data.documentId);
  const { document } = state;
  if (document.subject !== data.subject) throw new DocumentSubjectMismatchError(data.documentId);
  const validUntil = validUntilOf(document);
  if (validUntil !== null && Date.parse(validUntil) <= Date.parse(meta.now)) {
    throw new DocumentExpiredError(data.documentId, validUntil);
  }
  const origin = originOf(document);
  const sameSlot = (u: { dossier: string; componentCode: string | null }) =>
    u.dossier === data.dossier && u.componentCode === data.componentCode;
  if (sameSlot(origin) || state.uses.some(sameSlot)) return [];
  return [
    eventOf(meta, 'DocumentReused', {
      documentId: data.documentId,
      subject: document.subject,
      dossier: data.dossier,
      componentCode: data.componentCode,
      sourceEventId: state.sourceEventId,
      reusedBy: data.reusedBy,
      reusedAt: meta.now,
    }),
  ];
}

function revoke({ data, meta }: RevokeDocument, state: DocumentState): DocumentRevoked[] {
  if (state.status === 'none') throw new DocumentNotFoundError(data.documentId);
  if (state.status === 'revoked') return [];
  const owner = ownerOf(state.document);
  if (data.revokedBy.agency !== owner) {
    throw new AuthForbiddenError(
      `only agency ${owner}, which issued or digitised the document, may revoke it`,
    );
  }
  return [
    eventOf(meta, 'DocumentRevoked', {
      documentId: data.documentId,
      subject: state.document.subject,
      reason: data.reason,
      revokedBy: data.revokedBy,
      revokedAt: meta.now,
    }),
  ];
}

/** The documents' decider: one stream `document-<documentId>` per document. */
export const documentDecider: Decider<DocumentCommand, DocumentState, DocumentEvent> = {
  decide,
  evolve,
  initialState,
};
