import { eventsOfFields } from '../../kernel/event-fields.js';
import type { FieldPath, FieldsRow, RecordedEvent } from '../../kernel/event-store.js';
import type { RebuildPart } from '../../kernel/projection.js';
import type { DossierEvent } from '../dossiers/index.js';
import type { ProcedurePublishedData } from '../procedures/index.js';
import { contributions } from './contributions.js';
import type { ServiceIndexReportImportedData } from './events.js';
import { type DossierRecord, type ProcedureFacts, UNKNOWN_PROCEDURE } from './facts.js';
import { foldDossier, withDigitised } from './fold.js';
import { compiledMethods, type MethodSet } from './method.js';
import { parsePeriod } from './periods.js';
import { rowValues } from './tables.js';

/*
 * The part of the service index's rebuild that worker threads load (`rebuildPart`): it imports no
 * other module's values, so a thread starts without loading them.
 */

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

/** What the rebuild reads of each dossier event: the dossier and the instant first, then what `foldDossier` uses. */
const DOSSIER_FIELDS: Readonly<Record<string, readonly FieldPath[]>> = {
  DossierSubmitted: [
    'data.agency',
    'data.procedure.code',
    'data.procedure.version',
    'data.channel',
    'data.declaration.fields.prefilled',
    'data.declaration.fields.typed',
  ],
  DossierReceived: ['data.appointmentAt'],
  DossierTransferred: ['data.to'],
  DossierSupplementSupplied: ['data.dueAt'],
  DossierFinancialObligationNotified: ['data.obligationId'],
  DossierFinancialObligationPaid: ['data.obligationId', 'data.method'],
  DossierResultIssued: ['data.electronic', 'data.paper'],
  DossierDeclarationCompleted: ['data.declaration.fields.prefilled', 'data.declaration.fields.typed'],
  DossierRated: ['data.score', 'data.outOf'],
  DossierComponentResolved: ['data.component', 'data.resolution.kind'],
};

/** The fields the rebuild reads, by event type (`RebuildPart.types`), given the dossier event types. */
export function rebuildFields(dossierTypes: readonly string[]): Record<string, readonly FieldPath[]> {
  return {
    ...Object.fromEntries(
      dossierTypes.map((t) => [t, ['data.dossierId', 'metadata.occurredAt', ...(DOSSIER_FIELDS[t] ?? [])]]),
    ),
    DocumentDigitised: ['data.dossier', 'data.componentCode'],
    ProcedurePublished: ['data'],
    ServiceIndexReportImported: ['id', 'data', 'metadata.occurredAt'],
  };
}

/** A part's result (`IndexPart.finish`): rows keyed by the part's own agency numbers. */
export interface PartResult {
  /** Organ codes; a row's and a counter's agency is an index into it. */
  agencies: string[];
  /** `rowValues` of each dossier, with the agency's index for its key, by dossier id. */
  dossiers: unknown[][];
  /** Counters as [agency index, slot, value], flat. */
  counters: number[];
  pending: [dossier: string, component: string][];
  procedures: [code: string, version: string, facts: string][];
  reports: ReturnType<typeof reportRow>[];
}

/**
 * The service index folded from fields reads (what a split rebuild runs in each part, and the
 * in-memory rebuild in one): every dossier of the part folded to its final record (held until the
 * end), the catalogue, digitised papers waiting for their dossier and imported reports kept in
 * maps; finished at the horizon of the whole log (the latest instant any part saw), it gives each
 * dossier's row and the sum of the part's contributions per agency and counter.
 */
export class IndexPart implements RebuildPart {
  readonly types: Readonly<Record<string, readonly FieldPath[]>>;
  /** Events of one dossier go to one part: its dossier's events, and the papers digitised for it. */
  readonly keys: Readonly<Record<string, FieldPath>>;
  private readonly dossierTypes: ReadonlySet<string>;
  private readonly eventOf: Map<string, (row: FieldsRow) => RecordedEvent>;
  private readonly records = new Map<string, DossierRecord>();
  /** Components digitised for dossiers not submitted (yet). */
  private readonly pending = new Map<string, Set<string>>();
  /** Catalogue facts by procedure code, then version. */
  private readonly procedures = new Map<string, Map<string, ProcedureFacts>>();
  private readonly reports = new Map<string, ReturnType<typeof reportRow>>();
  private horizon = 0;

  constructor(
    private readonly methods: MethodSet,
    dossierTypes: readonly string[],
  ) {
    this.types = rebuildFields(dossierTypes);
    this.keys = {
      ...Object.fromEntries(dossierTypes.map((t) => [t, 'data.dossierId' as const])),
      DocumentDigitised: 'data.dossier',
    };
    this.dossierTypes = new Set(dossierTypes);
    this.eventOf = new Map(Object.entries(this.types).map(([t, paths]) => [t, eventsOfFields(paths)]));
  }

  apply(row: FieldsRow): void {
    const type = row[2];
    if (this.dossierTypes.has(type)) this.applyDossier(row);
    else if (type === 'DocumentDigitised') this.applyDigitised(row[3] as string, row[4] as string);
    else if (type === 'ProcedurePublished') {
      const data = this.eventOf.get(type)!(row).data as ProcedurePublishedData;
      const versions = this.procedures.get(data.code) ?? new Map<string, ProcedureFacts>();
      versions.set(String(data.version), procedureFacts(data));
      this.procedures.set(data.code, versions);
    } else if (type === 'ServiceIndexReportImported') {
      const report = reportRow(this.eventOf.get(type)!(row));
      this.reports.set(JSON.stringify([report[0], report[1], report[2]]), report);
    }
  }

  private applyDossier(row: FieldsRow): void {
    const id = row[3] as string;
    const record = this.records.get(id) ?? null;
    if (record && record.revision >= row[1]) return;
    const event = this.eventOf.get(row[2])!(row) as RecordedEvent & DossierEvent;
    if (event.type === 'DossierResultIssued') event.data.paper = (event.data.paper as unknown) === 1;
    let next = foldDossier(record, event, (code, version) => this.catalogue(code, version));
    if (next && event.type === 'DossierSubmitted') {
      for (const component of [...(this.pending.get(id) ?? [])].sort()) next = withDigitised(next, component);
      this.pending.delete(id);
    }
    if (next === record || next === null) return;
    this.records.set(id, next);
    const at = Date.parse(row[4] as string);
    if (at > this.horizon) this.horizon = at;
  }

  private applyDigitised(dossier: string, component: string): void {
    const record = this.records.get(dossier);
    if (record) this.records.set(dossier, withDigitised(record, component));
    else {
      const components = this.pending.get(dossier) ?? new Set<string>();
      components.add(component);
      this.pending.set(dossier, components);
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

  /** The latest instant this part saw. */
  folded(): number {
    return this.horizon;
  }

  finish(horizon: unknown): PartResult {
    const agencies = new Map<string, number>();
    const sums: Map<number, number>[] = [];
    const dossiers: unknown[][] = [];
    for (const record of this.records.values()) {
      let agency = agencies.get(record.agency);
      if (agency === undefined) {
        agency = agencies.size;
        agencies.set(record.agency, agency);
        sums.push(new Map());
      }
      dossiers.push(rowValues(record, agency));
      const own = sums[agency]!;
      for (const [slot, value] of contributions(record, horizon as number, this.methods))
        own.set(slot, (own.get(slot) ?? 0) + value);
    }
    dossiers.sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1));
    const counters: number[] = [];
    sums.forEach((own, agency) => {
      for (const [slot, value] of own) if (value !== 0) counters.push(agency, slot, value);
    });
    return {
      agencies: [...agencies.keys()],
      dossiers,
      counters,
      pending: [...this.pending].flatMap(([dossier, components]) =>
        [...components].map((c): [string, string] => [dossier, c]),
      ),
      procedures: [...this.procedures].flatMap(([code, versions]) =>
        [...versions].map(([version, facts]): [string, string, string] => [
          code,
          version,
          JSON.stringify(facts),
        ]),
      ),
      reports: [...this.reports.values()],
    };
  }
}

/** What a worker thread needs to make a part. */
export interface PartArgs {
  /** The checked method files (`MethodSet.files`) and their fingerprint. */
  methods: { files: readonly unknown[]; fingerprint: string };
  dossierTypes: readonly string[];
}

/** In a worker thread (`RebuildSplit.module`): a part over the methods compiled again from their files. */
export function rebuildPart(args: PartArgs): IndexPart {
  return new IndexPart(compiledMethods(args.methods.files, args.methods.fingerprint), args.dossierTypes);
}
