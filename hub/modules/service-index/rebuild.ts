import type { RecordedEvent } from '../../kernel/event-store.js';
import type { ProjectionRebuilder } from '../../kernel/projection.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import type { DocumentDigitisedData } from '../documents/index.js';
import { type DossierEvent, eventTypes as dossierEventTypes } from '../dossiers/index.js';
import type { ProcedurePublishedData } from '../procedures/index.js';
import { contributions } from './contributions.js';
import type { ServiceIndexReportImportedData } from './events.js';
import { type DossierRecord, type ProcedureFacts, UNKNOWN_PROCEDURE } from './facts.js';
import { foldDossier, withDigitised } from './fold.js';
import type { MethodSet } from './method.js';
import { parsePeriod } from './periods.js';
import { CREATE_INDEXES, DROP_INDEXES, rowValues, type Statements } from './tables.js';

export const DOSSIER_TYPES: ReadonlySet<string> = new Set(dossierEventTypes);

/** What the index keeps of a published procedure version. */
export function procedureFacts(data: ProcedurePublishedData): ProcedureFacts {
  const d = data.definition;
  const fee = (d.fee.amount ?? 0) > 0 || (d.fee.schedule ?? []).some((s) => s.amount > 0);
  return { paperResultRequired: d.paperResultRequired, fee, serviceLevel: d.serviceLevel };
}

/** The `si_reports` row of an imported report row. */
export function reportRow(event: RecordedEvent): [string, number, string, string, string, string, string] {
  const d = event.data as ServiceIndexReportImportedData;
  return [
    d.agency,
    parsePeriod(d.period).key,
    d.source,
    event.id,
    event.metadata.occurredAt,
    JSON.stringify(d.figures),
    JSON.stringify(d.points),
  ];
}

/**
 * The service index rebuilt from zero in memory: every dossier folded to its final record (one
 * record per dossier held until the end), the catalogue, digitised papers waiting for their
 * dossier and imported reports kept in maps; then, in the runner's one transaction, each
 * dossier's row written once and each counter once — the sum of every final record's
 * `contributions` at the final horizon, which is what the batch path keeps the counters equal
 * to — with the dossier indexes built after the rows.
 */
export class IndexRebuild implements ProjectionRebuilder {
  private readonly records = new Map<string, DossierRecord>();
  /** Components digitised for dossiers not submitted (yet). */
  private readonly pending = new Map<string, Set<string>>();
  /** Catalogue facts by procedure code, then version. */
  private readonly procedures = new Map<string, Map<string, ProcedureFacts>>();
  private readonly reports = new Map<string, ReturnType<typeof reportRow>>();
  private horizon = 0;

  constructor(
    private readonly db: ReadModelDb,
    private readonly sql: Statements,
    private readonly methods: MethodSet,
  ) {}

  apply(event: RecordedEvent): void {
    if (DOSSIER_TYPES.has(event.type)) this.applyDossier(event as RecordedEvent & DossierEvent);
    else if (event.type === 'DocumentDigitised') this.applyDigitised(event.data as DocumentDigitisedData);
    else if (event.type === 'ProcedurePublished') {
      const data = event.data as ProcedurePublishedData;
      const versions = this.procedures.get(data.code) ?? new Map<string, ProcedureFacts>();
      versions.set(String(data.version), procedureFacts(data));
      this.procedures.set(data.code, versions);
    } else if (event.type === 'ServiceIndexReportImported') {
      const row = reportRow(event);
      this.reports.set(JSON.stringify([row[0], row[1], row[2]]), row);
    }
  }

  private applyDossier(event: RecordedEvent & DossierEvent): void {
    const id = event.data.dossierId;
    const record = this.records.get(id) ?? null;
    if (record && record.revision >= event.revision) return;
    let next = foldDossier(record, event, (code, version) => this.catalogue(code, version));
    if (next && event.type === 'DossierSubmitted') {
      for (const component of [...(this.pending.get(id) ?? [])].sort()) next = withDigitised(next, component);
      this.pending.delete(id);
    }
    if (next === record || next === null) return;
    this.records.set(id, next);
    const at = Date.parse(event.metadata.occurredAt);
    if (at > this.horizon) this.horizon = at;
  }

  private applyDigitised(data: DocumentDigitisedData): void {
    const record = this.records.get(data.dossier);
    if (record) this.records.set(data.dossier, withDigitised(record, data.componentCode));
    else {
      const components = this.pending.get(data.dossier) ?? new Set<string>();
      components.add(data.componentCode);
      this.pending.set(data.dossier, components);
    }
  }

  /** The version asked for, else the latest published (as the `procedure` statement picks). */
  private catalogue(code: string, version: string): ProcedureFacts {
    const versions = this.procedures.get(code);
    if (!versions) return UNKNOWN_PROCEDURE;
    const exact = versions.get(version);
    if (exact) return exact;
    let best: [number, ProcedureFacts] | null = null;
    for (const [v, facts] of versions) {
      const n = Number.parseInt(v, 10) || 0;
      if (!best || n > best[0]) best = [n, facts];
    }
    return best![1];
  }

  write(): void {
    const { sql, db } = this;
    for (const [code, versions] of this.procedures)
      for (const [version, facts] of versions) sql.putProcedure.run(code, version, JSON.stringify(facts));
    for (const row of this.reports.values()) sql.putReport.run(...row);
    for (const [dossier, components] of this.pending)
      for (const component of components) sql.addPending.run(dossier, component);
    db.exec(DROP_INDEXES);
    const agencyKeys = new Map<string, number>();
    /** Per agency key, the sum of the contributions of its dossiers. */
    const counters = new Map<number, Map<number, number>>();
    for (const record of this.records.values()) {
      let key = agencyKeys.get(record.agency);
      if (key === undefined) {
        key = Number(sql.addAgency.run(record.agency).lastInsertRowid);
        agencyKeys.set(record.agency, key);
        counters.set(key, new Map());
      }
      sql.insertDossier.run(...rowValues(record, key));
      const sums = counters.get(key)!;
      for (const [slot, value] of contributions(record, this.horizon, this.methods))
        sums.set(slot, (sums.get(slot) ?? 0) + value);
    }
    for (const [agency, sums] of counters) {
      for (const [slot, value] of sums) {
        if (value === 0) continue;
        const period = Math.floor(slot / 1000);
        sql.putCount.run(period, agency, slot - period * 1000, value);
      }
    }
    if (this.horizon !== 0) sql.setMeta.run('horizon', this.horizon);
    db.exec(CREATE_INDEXES);
  }
}
