import { prepared, type ReadModelDb } from '../../kernel/read-model.js';
import type { MediaType, ResultType } from './events.js';

/** An earlier result of a citizen that can satisfy a component of a new dossier. */
export interface EarlierResult {
  documentId: string;
  /** The ElectronicResultIssued or DocumentDigitised event: what a reuse cites. */
  sourceEventId: string;
  kind: 'result' | 'digitised';
  resultType: ResultType;
  /** The dossier it was issued (or digitised) in. */
  dossier: string;
  /** The issuing agency (result) or the digitising one (certified copy). */
  agency: string;
  issuedAt: string;
  validUntil: string | null;
  contentHash: string;
  mediaType: MediaType;
}

interface ResultRow {
  document_id: string;
  source_event_id: string;
  kind: 'result' | 'digitised';
  result_type: ResultType;
  dossier: string;
  agency: string;
  issued_at: string;
  valid_until: string | null;
  content_hash: string;
  media_type: MediaType;
}

/**
 * The subject's earlier results of a type that still count, newest first: electronic results and
 * certified electronic copies of paper results (a plain scan is not reusable), not revoked, valid at
 * `now`. Names only pseudonyms and ids: the content stays in the file store.
 */
export function findResults(
  db: ReadModelDb,
  subject: string,
  resultType: string,
  now: Date,
): EarlierResult[] {
  const rows = prepared<[string, string, string], ResultRow>(
    db,
    `SELECT document_id, source_event_id, kind, result_type, dossier, agency, issued_at, valid_until,
         content_hash, media_type
       FROM documents
       WHERE subject = ? AND result_type = ? AND status = 'active' AND certified = 1
         AND (valid_until IS NULL OR valid_until > ?)
       ORDER BY issued_at DESC, document_id`,
  ).all(subject, resultType, now.toISOString());
  return rows.map((r) => ({
    documentId: r.document_id,
    sourceEventId: r.source_event_id,
    kind: r.kind,
    resultType: r.result_type,
    dossier: r.dossier,
    agency: r.agency,
    issuedAt: r.issued_at,
    validUntil: r.valid_until,
    contentHash: r.content_hash,
    mediaType: r.media_type,
  }));
}

/** A document serving a dossier: made for it (uploaded, digitised, issued) or reused from earlier. */
export interface DossierDocument {
  documentId: string;
  kind: 'result' | 'digitised';
  /** The component it satisfies; null for the dossier's own result. */
  componentCode: string | null;
  how: 'made' | 'reused';
  /** The event that put it there (DocumentDigitised, ElectronicResultIssued or DocumentReused). */
  eventId: string;
  status: 'active' | 'revoked';
}

/** Every document serving a dossier, those made for it first. */
export function documentsOfDossier(db: ReadModelDb, dossier: string): DossierDocument[] {
  return prepared<[string, string], DossierDocument>(
    db,
    `SELECT document_id AS documentId, kind, component_code AS componentCode, 'made' AS how,
         source_event_id AS eventId, status
       FROM documents WHERE dossier = ?
       UNION ALL
       SELECT u.document_id, d.kind, u.component_code, 'reused', u.event_id, d.status
       FROM document_uses u JOIN documents d ON d.document_id = u.document_id WHERE u.dossier = ?
       ORDER BY how, documentId`,
  ).all(dossier, dossier);
}
