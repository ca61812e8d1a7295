import type { RecordedEvent } from '../../kernel/event-store.js';
import type { ProjectionDefinition } from '../../kernel/projection.js';
import type { ReadModelDb, SqlStatement } from '../../kernel/read-model.js';
import { ERASURE_STREAM_CATEGORY } from '../../kernel/vocabulary.js';
import { ReadModelChanges } from '../../projections/changes.js';
import type { ConsentStatus } from './decider.js';
import { CONSENT_STREAM_CATEGORY, type ConsentEvent, type ConsentGrantedData, eventTypes } from './events.js';

/** A consent as the `consents` read model holds it (pseudonyms only, no personal data). */
export interface ConsentView extends Omit<ConsentGrantedData, 'collectedBy'> {
  status: ConsentStatus;
  withdrawnAt: string | null;
  grantedAt: string;
  /** Revision of the consent stream the row reflects. */
  revision: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS consents (
  consent_id   TEXT    PRIMARY KEY,
  subject      TEXT    NOT NULL,
  consumer     TEXT    NOT NULL,
  purposes     TEXT    NOT NULL,
  scope        TEXT    NOT NULL,
  dossier      TEXT,
  valid_from   TEXT    NOT NULL,
  valid_until  TEXT    NOT NULL,
  status       TEXT    NOT NULL,
  withdrawn_at TEXT,
  granted_at   TEXT    NOT NULL,
  receipt_id   TEXT    NOT NULL,
  revision     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS consents_by_subject_consumer ON consents (subject, consumer);
CREATE INDEX IF NOT EXISTS consents_active_by_end ON consents (valid_until) WHERE status = 'active';`;

type Raw = {
  consent_id: string;
  subject: string;
  consumer: string;
  purposes: string;
  scope: string;
  dossier: string | null;
  valid_from: string;
  valid_until: string;
  status: ConsentStatus;
  withdrawn_at: string | null;
  granted_at: string;
  receipt_id: string;
  revision: number;
};

const toView = (r: Raw): ConsentView => ({
  consentId: r.consent_id,
  subject: r.subject,
  consumer: r.consumer,
  purposes: JSON.parse(r.purposes),
  scope: JSON.parse(r.scope),
  dossier: r.dossier,
  validFrom: r.valid_from,
  validUntil: r.valid_until,
  status: r.status,
  withdrawnAt: r.withdrawn_at,
  grantedAt: r.granted_at,
  receiptId: r.receipt_id,
  revision: r.revision,
});

/**
 * The `consents` read model, indexed by (subject pseudonym, consumer agency). Applying is
 * idempotent and guarded by stream revision, so the consent service can apply its own events at
 * once (a withdrawal counts from the very next query) and the projection runner can apply them
 * again later without harm.
 */
export class ConsentReadModel {
  private readonly insert: SqlStatement;
  private readonly update: SqlStatement;
  private readonly byId: SqlStatement;
  private readonly bySubjectConsumer: SqlStatement;
  private readonly bySubject: SqlStatement;
  private readonly byConsumer: SqlStatement;
  private readonly lapsedStmt: SqlStatement;
  private readonly eraseStmt: SqlStatement;
  private readonly changes: ReadModelChanges;
  private readonly findMemo: (key: { subject: string; consumer: string }) => readonly ConsentView[];

  constructor(readonly db: ReadModelDb) {
    db.exec(SCHEMA);
    this.changes = ReadModelChanges.of(db);
    this.insert = db.prepare(`INSERT INTO consents (consent_id, subject, consumer, purposes, scope, dossier,
      valid_from, valid_until, status, withdrawn_at, granted_at, receipt_id, revision)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', NULL, ?, ?, ?) ON CONFLICT (consent_id) DO NOTHING`);
    this.update = db.prepare(
      'UPDATE consents SET status = ?, withdrawn_at = coalesce(?, withdrawn_at), revision = ? WHERE consent_id = ? AND revision < ?',
    );
    this.byId = db.prepare('SELECT * FROM consents WHERE consent_id = ?');
    this.bySubjectConsumer = db.prepare('SELECT * FROM consents WHERE subject = ? AND consumer = ?');
    this.bySubject = db.prepare('SELECT * FROM consents WHERE subject = ? ORDER BY granted_at DESC');
    this.byConsumer = db.prepare(
      'SELECT * FROM consents WHERE consumer = ? ORDER BY granted_at DESC LIMIT ?',
    );
    this.lapsedStmt = db.prepare(
      "SELECT consent_id FROM consents WHERE status = 'active' AND valid_until <= ? ORDER BY valid_until LIMIT ?",
    );
    this.eraseStmt = db.prepare('DELETE FROM consents WHERE subject = ?');
    this.findMemo = this.changes.memo(
      consentsProjection.name,
      (k) => `${k.subject}\u0000${k.consumer}`,
      (k) => (this.bySubjectConsumer.all(k.subject, k.consumer) as Raw[]).map(toView),
    );
  }

  apply(event: RecordedEvent): void {
    this.changes.bump(consentsProjection.name);
    if (event.type === 'SubjectErased') {
      // Replayed erasures keep a rebuilt read model free of the erased citizen's consents.
      this.eraseStmt.run((event.data as { subject: string }).subject);
      return;
    }
    const e = event as RecordedEvent & ConsentEvent;
    switch (e.type) {
      case 'ConsentGranted': {
        const d: ConsentGrantedData = e.data;
        this.insert.run(
          d.consentId,
          d.subject,
          d.consumer,
          JSON.stringify(d.purposes),
          JSON.stringify(d.scope),
          d.dossier,
          d.validFrom,
          d.validUntil,
          e.metadata.occurredAt,
          d.receiptId,
          event.revision,
        );
        return;
      }
      case 'ConsentWithdrawn':
        this.update.run('withdrawn', e.data.withdrawnAt, event.revision, e.data.consentId, event.revision);
        return;
      case 'ConsentExpired':
        this.update.run('expired', null, event.revision, e.data.consentId, event.revision);
        return;
      default:
        return;
    }
  }

  get(consentId: string): ConsentView | undefined {
    const row = this.byId.get(consentId) as Raw | undefined;
    return row && toView(row);
  }

  /** Every consent (any status) the subject gave the consumer; memoized until the model changes. */
  find(subject: string, consumer: string): readonly ConsentView[] {
    return this.findMemo({ subject, consumer });
  }

  ofSubject(subject: string): ConsentView[] {
    return (this.bySubject.all(subject) as Raw[]).map(toView);
  }

  grantedTo(consumer: string, limit = 500): ConsentView[] {
    return (this.byConsumer.all(consumer, limit) as Raw[]).map(toView);
  }

  /** Ids of consents still marked active whose window ended at or before `now`. */
  lapsed(now: string, limit = 1000): string[] {
    return (this.lapsedStmt.all(now, limit) as { consent_id: string }[]).map((r) => r.consent_id);
  }

  eraseSubject(subject: string): number {
    this.changes.bump(consentsProjection.name);
    return this.eraseStmt.run(subject).changes;
  }

  reset(): void {
    this.changes.bump(consentsProjection.name);
    this.db.exec('DELETE FROM consents');
  }
}

/** Projection `consents`, for the runner. */
export const consentsProjection: ProjectionDefinition = {
  name: 'consents',
  version: 2,
  description: 'Consents by subject pseudonym and consumer agency, with status and validity window',
  filter: {
    streamPrefixes: [`${CONSENT_STREAM_CATEGORY}-`, `${ERASURE_STREAM_CATEGORY}-`],
    eventTypes: [...eventTypes, 'SubjectErased'],
  },
  open(db) {
    const model = new ConsentReadModel(db);
    return { apply: (event) => model.apply(event), reset: () => model.reset() };
  },
};
