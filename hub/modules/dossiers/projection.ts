import type { RecordedEvent } from '../../kernel/event-store.js';
import type { ProjectionDefinition } from '../../kernel/projection.js';
import type { ReadModelDb, SqlStatement } from '../../kernel/read-model.js';
import { ERASURE_STREAM_CATEGORY } from '../../kernel/vocabulary.js';
import { ReadModelChanges } from '../../projections/changes.js';
import { completedLate } from './deadlines.js';
import { DOSSIER_STREAM_CATEGORY, type DossierEvent, eventTypes } from './events.js';
import { DossierFeed } from './feed.js';
import {
  type Dossier,
  type DossierState,
  evolve,
  initialState,
  isOpenStatus,
  openPause,
  pendingChildren,
  portalStatusOf,
} from './state.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS dossiers (
  dossier_id             TEXT    PRIMARY KEY,
  agency                 TEXT    NOT NULL,
  procedure_code         TEXT    NOT NULL,
  procedure_version      TEXT    NOT NULL,
  status                 TEXT    NOT NULL,
  portal_status          INTEGER NOT NULL,
  channel                TEXT    NOT NULL,
  applicant              TEXT,
  parent                 TEXT,
  submitted_at           TEXT    NOT NULL,
  received_at            TEXT,
  due_at                 TEXT,
  appointment_at         TEXT,
  paused_at              TEXT,
  completed_at           TEXT,
  ended_at               TEXT,
  outcome                TEXT,
  late                   INTEGER,
  open                   INTEGER NOT NULL,
  fields_prefilled       INTEGER NOT NULL,
  fields_typed           INTEGER NOT NULL,
  components_reused      INTEGER NOT NULL,
  components_uploaded    INTEGER NOT NULL,
  components_asked_again INTEGER NOT NULL,
  children               INTEGER NOT NULL,
  children_pending       INTEGER NOT NULL,
  apologies              INTEGER NOT NULL,
  rating                 INTEGER,
  rating_out_of          INTEGER,
  state                  TEXT    NOT NULL,
  revision               INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS dossiers_by_time ON dossiers (submitted_at, dossier_id);
CREATE INDEX IF NOT EXISTS dossiers_by_agency ON dossiers (agency, submitted_at, dossier_id);
CREATE INDEX IF NOT EXISTS dossiers_by_procedure ON dossiers (procedure_code, submitted_at, dossier_id);
CREATE INDEX IF NOT EXISTS dossiers_by_status ON dossiers (status, submitted_at, dossier_id);
CREATE INDEX IF NOT EXISTS dossiers_by_channel ON dossiers (channel, submitted_at, dossier_id);
CREATE INDEX IF NOT EXISTS dossiers_by_applicant ON dossiers (applicant, submitted_at, dossier_id);
CREATE INDEX IF NOT EXISTS dossiers_by_parent ON dossiers (parent) WHERE parent IS NOT NULL;
CREATE INDEX IF NOT EXISTS dossiers_open_by_due ON dossiers (due_at) WHERE open = 1;
-- a desk's work list: the few open dossiers among the many its period holds
CREATE INDEX IF NOT EXISTS dossiers_open_by_agency ON dossiers (agency, submitted_at, dossier_id) WHERE open = 1;
CREATE INDEX IF NOT EXISTS dossiers_open_by_time ON dossiers (submitted_at, dossier_id) WHERE open = 1;
CREATE TABLE IF NOT EXISTS dossier_history (
  dossier_id    TEXT    NOT NULL,
  revision      INTEGER NOT NULL,
  event_id      TEXT    NOT NULL,
  type          TEXT    NOT NULL,
  occurred_at   TEXT    NOT NULL,
  actor_kind    TEXT    NOT NULL,
  actor_id      TEXT    NOT NULL,
  official      TEXT,
  status        TEXT    NOT NULL,
  portal_status INTEGER NOT NULL,
  details       TEXT    NOT NULL,
  PRIMARY KEY (dossier_id, revision)
) WITHOUT ROWID;`;

const DOSSIER_EVENTS: ReadonlySet<string> = new Set(eventTypes);

/** The event's data as the timeline shows it: without the dossier id it repeats and without anything sealed. */
function details(event: DossierEvent): Record<string, unknown> {
  if (event.type === 'DossierSubmitted') {
    const { dossierId: _, applicant: _a, declaration, ...shown } = event.data;
    return { ...shown, declaration: { fields: declaration.fields } };
  }
  if (event.type === 'DossierDeclarationCompleted')
    return { declaration: { fields: event.data.declaration.fields } };
  if (event.type === 'DossierPrefilled') {
    const { dossierId: _, sealed: _s, ...shown } = event.data;
    return shown;
  }
  const { dossierId: _, ...rest } = event.data;
  return rest;
}

function counts(s: DossierState) {
  const kinds = Object.values(s.components);
  return {
    reused: kinds.filter((k) => k === 'reused').length,
    uploaded: kinds.filter((k) => k === 'uploaded').length,
    askedAgain: kinds.filter((k) => k === 'asked-again').length,
  };
}

/**
 * The `dossiers` read model: one row per dossier (folded with the decider's own `evolve`, so it
 * never disagrees with the stream) and its timeline. Applying is idempotent by stream revision, so
 * the dossier service can apply its own events at once and the runner again later. Holds the
 * applicant's pseudonym only; `SubjectErased` clears it.
 */
export class DossierReadModel {
  private readonly row: SqlStatement<[string], { state: string; revision: number; applicant: string | null }>;
  private readonly upsert: SqlStatement;
  private readonly history: SqlStatement;
  private readonly erase: SqlStatement<[string]>;
  private readonly maxSequenceStmt: SqlStatement<[number, string, string], { n: number | null }>;
  private readonly changes: ReadModelChanges;
  private readonly feed: DossierFeed;
  private readonly applyInOne: (events: readonly RecordedEvent[]) => void;
  /** Events handed to `applyAll` and not yet written, in the order handed in. */
  private pending: RecordedEvent[] = [];
  private flushing: Promise<void> | undefined;

  constructor(readonly db: ReadModelDb) {
    db.exec(SCHEMA);
    this.changes = ReadModelChanges.of(db);
    this.feed = DossierFeed.of(db);
    this.row = db.prepare('SELECT state, revision, applicant FROM dossiers WHERE dossier_id = ?');
    this.upsert = db.prepare(`INSERT INTO dossiers VALUES (@dossier_id, @agency, @procedure_code,
      @procedure_version, @status, @portal_status, @channel, @applicant, @parent, @submitted_at, @received_at,
      @due_at, @appointment_at, @paused_at, @completed_at, @ended_at, @outcome, @late, @open, @fields_prefilled,
      @fields_typed, @components_reused, @components_uploaded, @components_asked_again, @children,
      @children_pending, @apologies, @rating, @rating_out_of, @state, @revision)
      ON CONFLICT (dossier_id) DO UPDATE SET agency = excluded.agency, status = excluded.status,
      portal_status = excluded.portal_status, received_at = excluded.received_at, due_at = excluded.due_at,
      appointment_at = excluded.appointment_at, paused_at = excluded.paused_at,
      completed_at = excluded.completed_at, ended_at = excluded.ended_at, outcome = excluded.outcome,
      late = excluded.late, open = excluded.open, fields_prefilled = excluded.fields_prefilled,
      fields_typed = excluded.fields_typed, components_reused = excluded.components_reused,
      components_uploaded = excluded.components_uploaded, components_asked_again = excluded.components_asked_again,
      children = excluded.children, children_pending = excluded.children_pending, apologies = excluded.apologies,
      rating = excluded.rating, rating_out_of = excluded.rating_out_of, state = excluded.state,
      revision = excluded.revision`);
    this.history = db.prepare(`INSERT INTO dossier_history VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (dossier_id, revision) DO NOTHING`);
    this.erase = db.prepare('UPDATE dossiers SET applicant = NULL WHERE applicant = ?');
    this.maxSequenceStmt = db.prepare(`SELECT max(CAST(substr(dossier_id, ?) AS INTEGER)) AS n FROM dossiers
      WHERE dossier_id > ? AND dossier_id < ?`);
    this.applyInOne = db.transaction((events: readonly RecordedEvent[]) => {
      for (const event of events) this.apply(event);
    });
  }

  /**
   * Applies the events a command appended, together with those of the other commands that hand
   * theirs in during the same turn of the event loop: one transaction for all (the commands whose
   * appends one group commit acknowledged arrive together). Resolves once it is committed, or
   * rejects with what failed it.
   */
  applyAll(events: readonly RecordedEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    this.pending.push(...events);
    this.flushing ??= new Promise((resolve, reject) =>
      setImmediate(() => {
        const batch = this.pending;
        this.pending = [];
        this.flushing = undefined;
        try {
          this.applyInOne(batch);
          resolve();
        } catch (error) {
          reject(error);
        }
      }),
    );
    return this.flushing;
  }

  apply(event: RecordedEvent): void {
    this.changes.bump(dossiersProjection.name);
    if (event.type === 'SubjectErased') {
      this.erase.run((event.data as { subject: string }).subject);
      return;
    }
    if (!DOSSIER_EVENTS.has(event.type)) return;
    const e = event as RecordedEvent & DossierEvent;
    const dossierId = e.data.dossierId;
    const current = this.row.get(dossierId);
    if (current && current.revision >= event.revision) return;
    const before: Dossier = current ? JSON.parse(current.state) : initialState();
    const s = evolve(before, e);
    if (s.status === 'none') return;
    this.write(s, event);
    const was = before.status === 'none' ? undefined : before;
    if (s.status !== was?.status || s.agency !== was.agency) {
      this.feed.publish({
        dossierId,
        revision: event.revision,
        eventId: event.id,
        eventType: e.type,
        at: new Date(event.metadata.occurredAt).toISOString(),
        status: s.status,
        previousStatus: was?.status ?? null,
        agency: s.agency,
        previousAgency: was && was.agency !== s.agency ? was.agency : null,
        intakeAgency: s.intakeAgency,
        // the row keeps the applicant in its column only (null once erased); a submission brings it
        applicant: current ? current.applicant : s.applicant,
        procedure: s.procedure,
        dueAt: s.dueAt,
        appointmentAt: s.appointmentAt,
      });
    }
    this.history.run(
      dossierId,
      event.revision,
      event.id,
      event.type,
      event.metadata.occurredAt,
      event.metadata.actor.kind,
      event.metadata.actor.id,
      event.metadata.actor.official ?? null,
      s.status,
      portalStatusOf[s.status],
      JSON.stringify(details(e)),
    );
  }

  private write(s: DossierState, event: RecordedEvent): void {
    const c = counts(s);
    const late = completedLate(s);
    this.upsert.run({
      dossier_id: s.dossierId,
      agency: s.agency,
      procedure_code: s.procedure.code,
      procedure_version: s.procedure.version,
      status: s.status,
      portal_status: portalStatusOf[s.status],
      channel: s.channel,
      applicant: s.applicant,
      parent: s.parent,
      submitted_at: s.submittedAt,
      received_at: s.receivedAt,
      due_at: s.dueAt,
      appointment_at: s.appointmentAt,
      paused_at: openPause(s)?.from ?? null,
      completed_at: s.completedAt,
      ended_at: s.endedAt,
      outcome: s.outcome,
      late: late === null ? null : Number(late),
      open: Number(isOpenStatus(s.status)),
      fields_prefilled: s.fields.prefilled,
      fields_typed: s.fields.typed,
      components_reused: c.reused,
      components_uploaded: c.uploaded,
      components_asked_again: c.askedAgain,
      children: Object.keys(s.children).length,
      children_pending: pendingChildren(s).length,
      apologies: s.apologies,
      rating: s.rating?.score ?? null,
      rating_out_of: s.rating?.outOf ?? null,
      // the applicant pseudonym lives in its column only, so that an erasure clears it for good
      state: JSON.stringify({ ...s, applicant: '' }),
      revision: event.revision,
    });
  }

  /** The highest sequence number of the dossiers numbered `<agency>-<yymmdd>-…` (0 when none). */
  maxSequence(agency: string, yymmdd: string): number {
    const prefix = `${agency}-${yymmdd}-`;
    return this.maxSequenceStmt.get(prefix.length + 1, prefix, `${prefix}~`)?.n ?? 0;
  }

  eraseSubject(subject: string): number {
    this.changes.bump(dossiersProjection.name);
    return this.erase.run(subject).changes;
  }

  reset(): void {
    this.changes.bump(dossiersProjection.name);
    this.db.exec('DELETE FROM dossiers; DELETE FROM dossier_history;');
  }
}

/** Projection `dossiers`, for the runner. */
export const dossiersProjection: ProjectionDefinition = {
  name: 'dossiers',
  version: 3,
  description:
    'Dossiers of administrative procedures: status, portal status code, deadlines, once-only counts, timeline',
  filter: {
    streamPrefixes: [`${DOSSIER_STREAM_CATEGORY}-`, `${ERASURE_STREAM_CATEGORY}-`],
    eventTypes: [...eventTypes, 'SubjectErased'],
  },
  open(db) {
    const model = new DossierReadModel(db);
    return { apply: (event) => model.apply(event), reset: () => model.reset() };
  },
};
