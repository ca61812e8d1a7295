import type { RecordedEvent } from '../../kernel/event-store.js';
import type { ProjectionDefinition } from '../../kernel/projection.js';
import type { ReadModelDb, SqlStatement } from '../../kernel/read-model.js';
import { ERASURE_STREAM_CATEGORY } from '../../kernel/vocabulary.js';
import { ReadModelChanges } from '../../projections/changes.js';
import { DOCUMENT_STREAM_CATEGORY, type DocumentEvent, type DocumentRevokedData } from './events.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS documents (
  document_id     TEXT    PRIMARY KEY,
  kind            TEXT    NOT NULL,
  subject         TEXT    NOT NULL,
  result_type     TEXT,
  dossier         TEXT    NOT NULL,
  component_code  TEXT,
  agency          TEXT    NOT NULL,
  content_hash    TEXT    NOT NULL,
  media_type      TEXT    NOT NULL,
  certified       INTEGER NOT NULL,
  issued_at       TEXT    NOT NULL,
  valid_until     TEXT,
  status          TEXT    NOT NULL,
  source_event_id TEXT    NOT NULL,
  revision        INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS documents_by_subject_type ON documents (subject, result_type, issued_at);
CREATE INDEX IF NOT EXISTS documents_by_dossier ON documents (dossier);
CREATE TABLE IF NOT EXISTS document_uses (
  event_id       TEXT PRIMARY KEY,
  document_id    TEXT NOT NULL,
  subject        TEXT NOT NULL,
  dossier        TEXT NOT NULL,
  component_code TEXT NOT NULL,
  agency         TEXT NOT NULL,
  used_at        TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS document_uses_by_dossier ON document_uses (dossier);
CREATE INDEX IF NOT EXISTS document_uses_by_subject ON document_uses (subject);`;

/** Read model name (projection `documents`). */
export const DOCUMENTS_READ_MODEL = 'documents';

/**
 * The `documents` read model: one row per document (pseudonym, kind, result type, dossier, hashes,
 * validity, status; no personal values, no content) and one per reuse in a later dossier. Applying
 * is idempotent (inserts keyed by document and event ids, revocation guarded by stream revision),
 * so the document service applies its own events at once and the runner may apply them again.
 * `SubjectErased` drops the subject's rows.
 */
export class DocumentsReadModel {
  private readonly insertDocument: SqlStatement;
  private readonly insertUse: SqlStatement;
  private readonly revoke: SqlStatement;
  private readonly eraseDocuments: SqlStatement;
  private readonly eraseUses: SqlStatement;
  private readonly changes: ReadModelChanges;

  constructor(readonly db: ReadModelDb) {
    db.exec(SCHEMA);
    this.changes = ReadModelChanges.of(db);
    this.insertDocument = db.prepare(`INSERT INTO documents (document_id, kind, subject, result_type, dossier,
      component_code, agency, content_hash, media_type, certified, issued_at, valid_until, status,
      source_event_id, revision) VALUES (@documentId, @kind, @subject, @resultType, @dossier, @componentCode,
      @agency, @contentHash, @mediaType, @certified, @issuedAt, @validUntil, 'active', @eventId, @revision)
      ON CONFLICT (document_id) DO NOTHING`);
    this.insertUse = db.prepare(`INSERT INTO document_uses (event_id, document_id, subject, dossier,
      component_code, agency, used_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING`);
    this.revoke = db.prepare(
      "UPDATE documents SET status = 'revoked', revision = ? WHERE document_id = ? AND revision < ?",
    );
    this.eraseDocuments = db.prepare('DELETE FROM documents WHERE subject = ?');
    this.eraseUses = db.prepare('DELETE FROM document_uses WHERE subject = ?');
  }

  apply(event: RecordedEvent): void {
    this.changes.bump(DOCUMENTS_READ_MODEL);
    if (event.type === 'SubjectErased') {
      this.eraseSubject((event.data as { subject: string }).subject);
      return;
    }
    const e = event as RecordedEvent & DocumentEvent;
    const at = { eventId: event.id, revision: event.revision };
    switch (e.type) {
      case 'DocumentDigitised': {
        const d = e.data;
        this.insertDocument.run({
          ...at,
          documentId: d.documentId,
          kind: 'digitised',
          subject: d.subject,
          resultType: d.resultType,
          dossier: d.dossier,
          componentCode: d.componentCode,
          agency: d.digitisedBy.agency,
          contentHash: d.contentHash,
          mediaType: d.mediaType,
          certified: d.certifiedCopy ? 1 : 0,
          issuedAt: d.digitisedAt,
          validUntil: null,
        });
        return;
      }
      case 'ElectronicResultIssued': {
        const d = e.data;
        this.insertDocument.run({
          ...at,
          documentId: d.documentId,
          kind: 'result',
          subject: d.subject,
          resultType: d.resultType,
          dossier: d.dossier,
          componentCode: null,
          agency: d.issuer,
          contentHash: d.contentHash,
          mediaType: d.mediaType,
          certified: 1,
          issuedAt: d.issuedAt,
          validUntil: d.validUntil,
        });
        return;
      }
      case 'DocumentReused': {
        const d = e.data;
        this.insertUse.run(
          event.id,
          d.documentId,
          d.subject,
          d.dossier,
          d.componentCode,
          d.reusedBy.agency,
          d.reusedAt,
        );
        return;
      }
      case 'DocumentRevoked': {
        const d: DocumentRevokedData = e.data;
        this.revoke.run(event.revision, d.documentId, event.revision);
        return;
      }
      default:
        return;
    }
  }

  /** Drops every row of the subject; returns how many documents went. */
  eraseSubject(subject: string): number {
    this.changes.bump(DOCUMENTS_READ_MODEL);
    this.eraseUses.run(subject);
    return this.eraseDocuments.run(subject).changes;
  }

  reset(): void {
    this.changes.bump(DOCUMENTS_READ_MODEL);
    this.db.exec('DELETE FROM documents; DELETE FROM document_uses;');
  }
}

/** Projection `documents`, for the runner. */
export const documentsProjection: ProjectionDefinition = {
  name: DOCUMENTS_READ_MODEL,
  version: 1,
  description: 'Documents of dossiers by subject pseudonym, result type and dossier, and their reuses',
  filter: {
    streamPrefixes: [`${DOCUMENT_STREAM_CATEGORY}-`, `${ERASURE_STREAM_CATEGORY}-`],
    eventTypes: [
      'DocumentDigitised',
      'ElectronicResultIssued',
      'DocumentReused',
      'DocumentRevoked',
      'SubjectErased',
    ],
  },
  open(db) {
    const model = new DocumentsReadModel(db);
    return { apply: (event) => model.apply(event), reset: () => model.reset() };
  },
};
