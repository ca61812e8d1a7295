import type { RecordedEvent } from '../../kernel/event-store.js';
import type { ProjectionDefinition } from '../../kernel/projection.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import { ReadModelChanges } from '../../projections/changes.js';
import { OtherWriters } from '../../projections/data-version.js';
import { DOCUMENT_STREAM_CATEGORY, type DocumentDigitisedData } from '../documents/index.js';
import {
  DOSSIER_STREAM_CATEGORY,
  type DossierEvent,
  eventTypes as dossierEventTypes,
} from '../dossiers/index.js';
import { PROCEDURE_STREAM_CATEGORY, type ProcedurePublishedData } from '../procedures/index.js';
import { contributions, difference } from './contributions.js';
import { REPORT_STREAM_CATEGORY } from './events.js';
import { type DossierRecord, type ProcedureFacts, UNKNOWN_PROCEDURE } from './facts.js';
import { foldDossier, withDigitised } from './fold.js';
import { loadMethods, type MethodSet } from './method.js';
import { periodKeysAt } from './periods.js';
import { DOSSIER_TYPES, IndexRebuild, procedureFacts, reportRow } from './rebuild.js';
import {
  OPEN,
  parseProcedureFacts,
  RESET,
  rowValues,
  SCHEMA,
  type Statements,
  statements,
} from './tables.js';

export const SERVICE_INDEX_MODEL = 'service-index';

/** A dossier loaded into the batch: its record now, and what it counted in the database before the batch. */
interface Entry {
  key: number | null;
  record: DossierRecord | null;
  /** Agency and contributions already in the counters (as of the batch's starting horizon). */
  agency: string | null;
  before: Map<number, number> | null;
  dirty: boolean;
}

/**
 * The service index's read model. Per dossier, a record of the facts the index needs (one row,
 * integer key, the facts in columns for the drill-down); per agency, period and measure, a counter
 * kept equal to what every dossier contributes (`contributions.ts`) at the horizon, the latest
 * instant seen — from dossier events, or from the clock through `advance` (the ticker).
 *
 * Within a runner batch, dossiers are loaded once, folded in memory and written once, and counter
 * changes are summed in memory and written once per counter in `endBatch`. Nothing is kept
 * between batches except the agency keys, which are dropped when another connection writes the
 * file.
 */
export class ServiceIndexModel {
  private readonly sql: Statements;
  private readonly changes: ReadModelChanges;
  private readonly others: OtherWriters;
  private readonly entries = new Map<string, Entry>();
  private readonly agencyKeys = new Map<string, number>();
  private seenVersion = -1;
  private batchHorizon = -1;
  private startHorizon = 0;
  private lastPosition = 0;

  constructor(
    readonly db: ReadModelDb,
    readonly methods: MethodSet,
  ) {
    db.exec(SCHEMA);
    this.sql = statements(db);
    this.changes = ReadModelChanges.of(db);
    this.others = new OtherWriters(db);
  }

  /** The latest instant the counters are judged at (epoch ms; 0 before any dossier). */
  horizon(): number {
    return this.sql.meta.get('horizon') ?? 0;
  }

  apply(event: RecordedEvent): void {
    if (this.batchHorizon < 0 || event.position <= this.lastPosition) this.beginBatch();
    this.lastPosition = event.position;
    if (DOSSIER_TYPES.has(event.type)) this.applyDossier(event as RecordedEvent & DossierEvent);
    else if (event.type === 'DocumentDigitised') this.applyDigitised(event.data as DocumentDigitisedData);
    else if (event.type === 'ProcedurePublished') this.applyProcedure(event.data as ProcedurePublishedData);
    else if (event.type === 'ServiceIndexReportImported') this.applyReport(event);
  }

  endBatch(): void {
    if (this.batchHorizon < 0) return;
    this.flush(this.batchHorizon);
  }

  /** Moves the horizon to `now` (when later) and re-judges what that changes: the ticker, in its own transaction. */
  advance(now: number): void {
    this.db
      .transaction(() => {
        this.beginBatch();
        this.flush(Math.max(this.batchHorizon, now));
      })
      .immediate();
  }

  reset(): void {
    this.db.exec(RESET);
    this.entries.clear();
    this.agencyKeys.clear();
    this.batchHorizon = -1;
    this.lastPosition = 0;
    this.changes.bump(SERVICE_INDEX_MODEL);
  }

  private beginBatch(): void {
    this.entries.clear();
    const version = this.others.version();
    if (version !== this.seenVersion) this.agencyKeys.clear();
    this.seenVersion = version;
    this.startHorizon = this.horizon();
    this.batchHorizon = this.startHorizon;
  }

  private entry(dossierId: string): Entry {
    let e = this.entries.get(dossierId);
    if (e) return e;
    const row = this.sql.dossier.get(dossierId);
    const record = row ? (JSON.parse(row.record) as DossierRecord) : null;
    e = {
      key: row?.dossier_key ?? null,
      record,
      agency: record?.agency ?? null,
      before: record ? contributions(record, this.startHorizon, this.methods) : null,
      dirty: false,
    };
    this.entries.set(dossierId, e);
    return e;
  }

  private applyDossier(event: RecordedEvent & DossierEvent): void {
    const e = this.entry(event.data.dossierId);
    if (e.record && e.record.revision >= event.revision) return;
    let next = foldDossier(e.record, event, (code, version) => this.catalogue(code, version));
    if (next && event.type === 'DossierSubmitted') {
      for (const component of this.sql.pending.all(next.id)) next = withDigitised(next, component);
      this.sql.dropPending.run(next.id);
    }
    if (next === e.record) return;
    e.record = next;
    e.dirty = true;
    this.batchHorizon = Math.max(this.batchHorizon, Date.parse(event.metadata.occurredAt));
  }

  private applyDigitised(data: DocumentDigitisedData): void {
    const e = this.entry(data.dossier);
    if (!e.record) {
      this.sql.addPending.run(data.dossier, data.componentCode);
      return;
    }
    const next = withDigitised(e.record, data.componentCode);
    if (next !== e.record) {
      e.record = next;
      e.dirty = true;
    }
  }

  private applyProcedure(data: ProcedurePublishedData): void {
    this.sql.putProcedure.run(data.code, String(data.version), JSON.stringify(procedureFacts(data)));
  }

  private applyReport(event: RecordedEvent): void {
    this.sql.putReport.run(...reportRow(event));
  }

  private catalogue(code: string, version: string): ProcedureFacts {
    return parseProcedureFacts(this.sql.procedure.get(code, version)) ?? UNKNOWN_PROCEDURE;
  }

  private agencyKey(organCode: string): number {
    let key = this.agencyKeys.get(organCode) ?? this.sql.agencyKey.get(organCode);
    if (key === undefined) key = Number(this.sql.addAgency.run(organCode).lastInsertRowid);
    this.agencyKeys.set(organCode, key);
    return key;
  }

  /** Loads the dossiers the horizon's move re-judges: deadlines passed, and every open one when a month begins. */
  private loadMovedByHorizon(from: number, to: number): void {
    if (to <= from) return;
    const ids = new Set(this.sql.flipping.all(from, to));
    if (periodKeysAt(from)[0] !== periodKeysAt(to)[0]) for (const id of this.sql.open.all(OPEN)) ids.add(id);
    for (const id of ids) this.entry(id).dirty = true;
  }

  private flush(horizon: number): void {
    this.loadMovedByHorizon(this.startHorizon, horizon);
    const deltas = new Map<number, number>();
    const add = (agency: string, changes: Map<number, number>, sign: number) => {
      const base = this.agencyKey(agency) * 1e10;
      for (const [slot, value] of changes)
        deltas.set(base + slot, (deltas.get(base + slot) ?? 0) + sign * value);
    };
    for (const e of this.entries.values()) {
      if (!e.dirty || !e.record) continue;
      const after = contributions(e.record, horizon, this.methods);
      if (e.agency === e.record.agency) add(e.record.agency, difference(e.before, after), 1);
      else {
        if (e.agency !== null && e.before) add(e.agency, e.before, -1);
        add(e.record.agency, after, 1);
      }
      const values = rowValues(e.record, this.agencyKey(e.record.agency));
      if (e.key === null) e.key = Number(this.sql.insertDossier.run(...values).lastInsertRowid);
      else this.sql.updateDossier.run(...values.slice(1), e.key);
    }
    for (const [k, value] of deltas) {
      if (value === 0) continue;
      const agency = Math.floor(k / 1e10);
      const slot = k - agency * 1e10;
      const period = Math.floor(slot / 1000);
      const measure = slot - period * 1000;
      this.sql.addCount.run(period, agency, measure, value);
      if (value < 0) this.sql.dropZero.run(period, agency, measure);
    }
    if (horizon !== this.startHorizon) this.sql.setMeta.run('horizon', horizon);
    this.entries.clear();
    this.batchHorizon = -1;
    this.changes.bump(SERVICE_INDEX_MODEL);
  }

  /** A rebuild from zero in memory (`ProjectionHandler.rebuilder`): see `IndexRebuild`. */
  rebuilder(): IndexRebuild {
    return new IndexRebuild(this.db, this.sql, this.methods);
  }
}

/** Bump when the tables or the counting change; the methods' fingerprint is added to it. */
const SCHEMA_VERSION = 1;

/**
 * Projection `service-index` over the given methods: its version combines the code's and the
 * methods' fingerprint, so a changed method file rebuilds the figures.
 */
export function serviceIndexProjection(methods: MethodSet): ProjectionDefinition {
  return {
    name: SERVICE_INDEX_MODEL,
    version: SCHEMA_VERSION * 1_000_000 + (Number.parseInt(methods.fingerprint.slice(0, 5), 16) % 1_000_000),
    description:
      'The service index (Decision 766/QĐ-TTg): dossier facts and counters per agency, period and indicator; imported period reports',
    filter: {
      streamPrefixes: [
        `${DOSSIER_STREAM_CATEGORY}-`,
        `${DOCUMENT_STREAM_CATEGORY}-`,
        `${PROCEDURE_STREAM_CATEGORY}-`,
        `${REPORT_STREAM_CATEGORY}-`,
      ],
      eventTypes: [
        ...dossierEventTypes,
        'DocumentDigitised',
        'ProcedurePublished',
        'ServiceIndexReportImported',
      ],
    },
    open(db) {
      const model = new ServiceIndexModel(db, methods);
      return {
        apply: (e) => model.apply(e),
        endBatch: () => model.endBatch(),
        reset: () => model.reset(),
        rebuilder: () => model.rebuilder(),
      };
    },
  };
}

let defaults: MethodSet | undefined;
/** The methods shipped with the hub (`methods/`), read once. */
export const defaultMethods = (): MethodSet => {
  defaults ??= loadMethods();
  return defaults;
};
