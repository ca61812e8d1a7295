import type { RecordedEvent, SourceProvenance } from '../../kernel/event-store.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import type { DataAccessedByOperatorData, DataAccessedData } from '../access/index.js';
import type { ConsentExpiredData, ConsentGrantedData, ConsentWithdrawnData } from '../consent/index.js';
import type { ContractRevokedData, ContractVersionData } from '../contracts/index.js';
import type {
  DocumentAccessedData,
  DocumentDigitisedData,
  DocumentReusedData,
  DocumentRevokedData,
  ElectronicResultIssuedData,
} from '../documents/index.js';
import type {
  DossierComponentResolvedData,
  DossierDeclarationCompletedData,
  DossierPrefilledData,
  DossierResultIssuedData,
  DossierSubmittedData,
  HeldSource,
} from '../dossiers/index.js';
import type { ExchangeMessageAcceptedData } from '../exchange/index.js';
import type { DatasetRecordDeletedData, DatasetRecordUpsertedData } from '../records/index.js';
import { sourceKeyOf } from './ids.js';
import { type LineageStatements, lineageStatements } from './tables.js';

/** What the lineage read model takes of the connector run events (schemas/events/ConnectorRun*.schema.json). */
interface RunStarted {
  connector: string;
  version: string;
  runId: string;
  system: string;
  streams: string[];
}
interface RunEnded {
  connector: string;
  runId: string;
  counts: Record<string, number>;
  durationMs: number;
  error?: { code: string };
}

const json = (value: unknown) => JSON.stringify(value);

/** Fields as the accesses table keeps them, `,a,b,`: a field is released when `,<field>,` is in it. */
export const fieldList = (fields: readonly string[]) => `,${fields.join(',')},`;

/** Where a held component's source points: a record event or a document (and the event that recorded it). */
const heldColumns = (source: HeldSource | null) =>
  source === null
    ? [null, null, null]
    : source.kind === 'record-event'
      ? ['record-event', source.eventId, source.eventId]
      : ['document', source.documentId, source.eventId ?? null];

/**
 * Writes the rows of the `lineage` read model from the events it follows (`LINEAGE_EVENT_TYPES`),
 * inside the projection runner's transaction. Each event is applied once (the runner's checkpoint);
 * inserts still ignore a row already there, so a replay changes nothing.
 */
export class LineageWriter {
  private readonly s: LineageStatements;

  constructor(db: ReadModelDb) {
    this.s = lineageStatements(db);
  }

  /** What each event type writes; every dossier event also moves the dossier's latest step. */
  private readonly on: Record<string, (e: RecordedEvent, at: string) => void> = {
    DataAccessed: (e) => this.released(e, e.data as DataAccessedData),
    DataAccessedByOperator: (e) => this.shown(e, e.data as DataAccessedByOperatorData),
    DocumentAccessed: (e) => this.sent(e, e.data as DocumentAccessedData),
    DatasetRecordUpserted: (e) => this.record(e, e.data as DatasetRecordUpsertedData),
    DatasetRecordDeleted: (e) => this.record(e, e.data as DatasetRecordDeletedData),
    ConnectorRunStarted: (e, at) => {
      const r = e.data as RunStarted;
      this.s.runStarted.run(r.runId, r.connector, r.version, r.system, json(r.streams), at);
    },
    ConnectorRunCompleted: (e, at) => this.runEnded(e.data as RunEnded, 'completed', at),
    ConnectorRunFailed: (e, at) => this.runEnded(e.data as RunEnded, 'failed', at),
    ConsentGranted: (e) => this.consent(e.data as ConsentGrantedData),
    ConsentWithdrawn: (e) => {
      const c = e.data as ConsentWithdrawnData;
      this.s.consentEnded.run('withdrawn', c.withdrawnAt, c.consentId);
    },
    ConsentExpired: (e) => {
      const c = e.data as ConsentExpiredData;
      this.s.consentEnded.run('expired', c.expiredAt, c.consentId);
    },
    ContractRegistered: (e, at) => this.contract(e.data as ContractVersionData, at),
    ContractAmended: (e, at) => this.contract(e.data as ContractVersionData, at),
    ContractRevoked: (e) => {
      const r = e.data as ContractRevokedData;
      this.s.contractRevoked.run(r.revokedOn, r.contractId, r.version);
    },
    DossierSubmitted: (e, at) => this.submitted(e.data as DossierSubmittedData, at),
    DossierPrefilled: (e, at) => {
      const p = e.data as DossierPrefilledData;
      for (const h of p.held)
        this.s.componentHeld.run(p.dossierId, h.component, ...heldColumns(h.source), at);
      this.s.componentsUnheld.run(p.dossierId, json(p.held.map((h) => h.component)));
    },
    DossierComponentResolved: (e, at) => {
      const c = e.data as DossierComponentResolvedData;
      const r = c.resolution;
      const held = r.kind === 'reused' ? r.source : r.kind === 'asked-again' ? r.heldAs : null;
      const document = r.kind === 'reused' ? null : r.documentId;
      this.s.componentResolved.run(c.dossierId, c.component, r.kind, ...heldColumns(held), document, at);
    },
    DossierDeclarationCompleted: (e) => {
      const c = e.data as DossierDeclarationCompletedData;
      this.s.dossierCounts.run(c.declaration.fields.prefilled, c.declaration.fields.typed, c.dossierId);
    },
    DossierResultIssued: (e) => {
      const r = e.data as DossierResultIssuedData;
      if (r.electronic) this.s.dossierResult.run(r.electronic.documentId, r.dossierId);
    },
    DocumentDigitised: (e) => this.document(e, e.data as DocumentDigitisedData),
    ElectronicResultIssued: (e) => this.document(e, e.data as ElectronicResultIssuedData),
    DocumentReused: (e) => this.s.documentReused.run((e.data as DocumentReusedData).documentId),
    DocumentRevoked: (e) => {
      const r = e.data as DocumentRevokedData;
      this.s.documentRevoked.run(r.revokedAt, r.revokedBy.agency, r.documentId);
    },
    ExchangeMessageAccepted: (e) =>
      this.s.exchanged.run((e.data as ExchangeMessageAcceptedData).documentId, e.recordedAt),
    SubjectErased: (e, at) => this.s.erased.run((e.data as { subject: string }).subject, at),
  };

  apply(e: RecordedEvent): void {
    const at = e.metadata.occurredAt;
    this.on[e.type]?.(e, at);
    if (e.type.startsWith('Dossier') && e.type !== 'DossierSubmitted') {
      this.s.dossierStep.run(e.type, at, (e.data as { dossierId: string }).dossierId);
    }
  }

  private runEnded(r: RunEnded, outcome: 'completed' | 'failed', at: string): void {
    this.s.runEnded.run(
      r.runId,
      r.connector,
      outcome,
      at,
      r.durationMs,
      json(r.counts),
      r.error?.code ?? null,
    );
  }

  private submitted(s: DossierSubmittedData, at: string): void {
    const { prefilled, typed } = s.declaration.fields;
    this.s.dossier.run(
      s.dossierId,
      s.procedure.code,
      s.procedure.version,
      s.agency,
      s.channel,
      s.applicant,
      s.parent,
      at,
      'DossierSubmitted',
      at,
      prefilled,
      typed,
    );
  }

  private released(e: RecordedEvent, d: DataAccessedData): void {
    this.access(e, d, 'released', [...new Set(d.sources.map((s) => s.eventId))], null);
  }

  private shown(e: RecordedEvent, d: DataAccessedByOperatorData): void {
    this.access(e, { ...d, dossier: null }, 'operator', [d.record.eventId], d.tool);
  }

  private sent(e: RecordedEvent, d: DocumentAccessedData): void {
    this.access(e, d, 'document', [d.document.documentId], d.document.contentHash);
  }

  private access(
    e: RecordedEvent,
    d: Pick<DataAccessedData, 'subject' | 'dataset' | 'fields' | 'purpose'> & {
      caller: { agency: string; official: string; role: string };
      dossier: string | null;
      contract?: { id: string; version: number };
      consentId?: string | null;
    },
    kind: 'released' | 'operator' | 'document',
    sources: string[],
    detail: string | null,
  ): void {
    this.s.access.run(
      d.subject,
      d.dataset,
      e.position,
      e.id,
      kind,
      fieldList(d.fields),
      d.caller.agency,
      d.caller.official,
      d.caller.role,
      d.purpose,
      d.dossier,
      d.contract?.id ?? null,
      d.contract?.version ?? null,
      d.consentId ?? null,
      sources.join(' '),
      detail,
      e.metadata.occurredAt,
    );
  }

  private record(e: RecordedEvent, d: DatasetRecordUpsertedData | DatasetRecordDeletedData): void {
    const source: SourceProvenance | undefined = e.metadata.source;
    if (source) this.s.runNamed.run(source.runId, source.connector, source.system, source.fetchedAt);
    this.s.record.run(
      e.position,
      e.id,
      e.type === 'DatasetRecordDeleted' ? 1 : 0,
      d.dataset,
      d.recordKey,
      d.subject,
      e.revision,
      source?.runId ?? null,
      source?.table ?? null,
      source?.primaryKey ? sourceKeyOf(source.primaryKey) : null,
      source?.position ?? null,
      source?.fetchedAt ?? null,
      e.metadata.occurredAt,
    );
  }

  private consent(d: ConsentGrantedData): void {
    this.s.consent.run(
      d.consentId,
      d.subject,
      d.consumer,
      json(d.purposes),
      json(d.scope),
      d.dossier,
      d.validFrom,
      d.validUntil,
      d.collectedBy.agency,
      d.collectedBy.official,
      d.receiptId,
      d.validFrom,
    );
  }

  private contract(d: ContractVersionData, at: string): void {
    this.s.contract.run(
      d.contractId,
      d.version,
      d.provider,
      d.consumer,
      d.dataset,
      json(d.fields),
      json(d.purposes),
      d.legalBasis,
      d.consentRequired ? 1 : 0,
      d.validFrom,
      d.validUntil,
      at,
    );
  }

  private document(e: RecordedEvent, d: DocumentDigitisedData | ElectronicResultIssuedData): void {
    const digitised = e.type === 'DocumentDigitised';
    const paper = d as DocumentDigitisedData;
    const result = d as ElectronicResultIssuedData;
    const by = digitised
      ? paper.digitisedBy
      : { agency: result.issuer, official: result.recordedBy.official };
    this.s.document.run(
      d.documentId,
      digitised ? 'digitised' : 'result',
      d.subject,
      d.dossier,
      digitised ? paper.componentCode : null,
      d.resultType,
      by.agency,
      by.official,
      d.contentHash,
      d.mediaType,
      d.pages,
      digitised && paper.certifiedCopy ? 1 : 0,
      digitised ? null : result.validUntil,
      e.id,
      digitised ? paper.digitisedAt : result.issuedAt,
    );
  }
}
