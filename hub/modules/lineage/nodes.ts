import { prepared, type ReadModelDb } from '../../kernel/read-model.js';
import { attributes, type LoadedNode, MAX_NEIGHBOURS, type OutEdge } from './graph.js';
import { type NodeRef, nodeId } from './ids.js';
import type * as Row from './rows.js';

const list = (text: string) => (JSON.parse(text) as string[]).join(', ');
const LIMIT = MAX_NEIGHBOURS + 1;

/** Up to `MAX_NEIGHBOURS` edges to `ids` (read newest first, one more than the limit to tell). */
function capped(ids: readonly string[], relation: string, to: (id: string) => string) {
  return {
    out: ids.slice(0, MAX_NEIGHBOURS).map((id) => ({ to: to(id), relation })),
    capped: ids.length > MAX_NEIGHBOURS,
  };
}

/**
 * The nodes the `lineage` read model holds, each read by primary key or one index range, with the
 * edges leaving it (upstream: where it came from, what it relied on). The exchange trail's hops
 * are read elsewhere (`hops.ts`).
 */
export class ReadModelNodes {
  private readonly systems = new Map<string, string | null>();

  constructor(
    private readonly db: ReadModelDb,
    /** The datasets that define a field (for a field asked of every dataset). */
    private readonly datasetsWith: (field: string) => readonly string[],
  ) {}

  private all<T>(sql: string, ...params: unknown[]): T[] {
    return prepared(this.db, sql).all(...params) as T[];
  }

  /** The `id` column of each row. */
  private ids(sql: string, ...params: unknown[]): string[] {
    return this.all<{ id: string }>(sql, ...params).map((r) => r.id);
  }

  private get<T>(sql: string, ...params: unknown[]): T | undefined {
    return prepared(this.db, sql).get(...params) as T | undefined;
  }

  /**
   * A node by what its id names. `primed` takes nodes read on the way (a field's releases are read
   * whole by the field), so the walk does not read them again.
   */
  load(ref: NodeRef, primed?: Map<string, LoadedNode>): LoadedNode | undefined {
    switch (ref.kind) {
      case 'FIELD':
        return this.field(ref, primed);
      case 'ACCESS':
        return this.access(ref.accessId);
      case 'RECORD':
        return this.record(ref.eventId);
      case 'RUN':
        return this.run(ref.runId);
      case 'SOURCE':
        return this.source(ref);
      case 'CONSENT':
        return this.consent(ref.consentId);
      case 'CONTRACT':
        return this.contract(ref.contractId, ref.version);
      case 'DOSSIER':
        return this.dossier(ref.dossierId);
      case 'COMPONENT':
        return this.component(ref.dossierId, ref.component);
      default:
        return undefined;
    }
  }

  /** A citizen's field: the releases that let it out (newest first), and the record versions that held it. */
  field(ref: Extract<NodeRef, { kind: 'FIELD' }>, primed?: Map<string, LoadedNode>): LoadedNode | undefined {
    const { subject, dataset, field } = ref;
    const datasets = dataset === null ? this.datasetsWith(field) : [dataset];
    // one dataset: the citizen's releases of it are one range of the table, newest first; several:
    // their ranges merged
    const one = datasets.length === 1;
    const within = one ? '= ?' : 'IN (SELECT value FROM json_each(?))';
    const named = one ? datasets[0] : JSON.stringify(datasets);
    const releases = this.all<Row.Access>(
      `SELECT * FROM lineage_accesses WHERE subject = ? AND dataset ${within} AND instr(fields, ?) > 0
       ORDER BY position DESC LIMIT ?`,
      subject,
      named,
      `,${field},`,
      LIMIT,
    );
    const records = this.ids(
      `SELECT event_id AS id FROM lineage_records WHERE subject = ? AND dataset ${within}
       ORDER BY position DESC LIMIT ?`,
      subject,
      named,
      LIMIT,
    );
    if (releases.length === 0 && records.length === 0) return undefined;
    const accesses = releases.map((r) => {
      const loaded = this.accessNode(r);
      primed?.set(loaded.node.id, loaded);
      return r.access_id;
    });
    const released = capped(accesses, 'released-in', nodeId.access);
    const held = capped(records, 'held-in', nodeId.record);
    const erased = this.get<{ at: string }>('SELECT at FROM lineage_erased WHERE subject = ?', subject)?.at;
    return {
      node: {
        id: nodeId.field(subject, dataset, field),
        kind: 'FIELD',
        label: dataset === null ? `${field} (every dataset)` : `${field} of ${dataset}`,
        at: null,
        attributes: attributes({
          subject,
          dataset: dataset ?? datasets.join(', '),
          field,
          subjectErasedAt: erased,
        }),
      },
      out: [...released.out, ...held.out],
      capped: released.capped || held.capped,
      subject,
    };
  }

  access(accessId: string): LoadedNode | undefined {
    const a = this.get<Row.Access>('SELECT * FROM lineage_accesses WHERE access_id = ?', accessId);
    return a && this.accessNode(a);
  }

  private accessNode(a: Row.Access): LoadedNode {
    const out: OutEdge[] = [];
    const sources = a.sources.split(' ');
    if (a.kind === 'document') out.push({ to: nodeId.document(sources[0]!), relation: 'sent-document' });
    else for (const eventId of sources) out.push({ to: nodeId.record(eventId), relation: 'value-from' });
    if (a.consent_id) out.push({ to: nodeId.consent(a.consent_id), relation: 'under-consent' });
    if (a.contract_id !== null && a.contract_version !== null)
      out.push({ to: nodeId.contract(a.contract_id, a.contract_version), relation: 'under-contract' });
    if (a.dossier) out.push({ to: nodeId.dossier(a.dossier), relation: 'for-dossier' });
    const to = a.kind === 'operator' ? `shown to operator of ${a.agency}` : `sent to ${a.agency}`;
    return {
      node: {
        id: nodeId.access(a.access_id),
        kind: 'ACCESS',
        label: `${a.kind === 'document' ? 'document' : a.dataset} ${to}`,
        at: a.at,
        attributes: attributes({
          outcome: a.kind,
          subject: a.subject,
          dataset: a.dataset,
          fields: a.fields.slice(1, -1).replaceAll(',', ', '),
          agency: a.agency,
          official: a.official,
          role: a.role,
          purpose: a.purpose,
          dossier: a.dossier,
          contract: a.contract_id,
          contractVersion: a.contract_version,
          consent: a.consent_id,
          tool: a.kind === 'operator' ? a.detail : null,
          contentHash: a.kind === 'document' ? a.detail : null,
        }),
      },
      out,
      subject: a.subject,
    };
  }

  record(eventId: string): LoadedNode | undefined {
    const r = this.get<Row.RecordEvent>('SELECT * FROM lineage_records WHERE event_id = ?', eventId);
    if (!r) return undefined;
    const out: OutEdge[] = [];
    const system = r.run_id === null ? null : this.systemOf(r.run_id);
    if (r.run_id !== null) out.push({ to: nodeId.run(r.run_id), relation: 'synced-by' });
    if (system && r.tbl && r.pk) out.push({ to: nodeId.source(system, r.tbl, r.pk), relation: 'read-from' });
    return {
      node: {
        id: nodeId.record(r.event_id),
        kind: 'RECORD',
        label: `${r.dataset} record, revision ${r.revision}${r.deleted ? ' (deleted)' : ''}`,
        at: r.at,
        attributes: attributes({
          dataset: r.dataset,
          recordKey: r.record_key,
          subject: r.subject,
          stream: `record-${r.dataset}-${r.record_key}`,
          revision: r.revision,
          event: r.deleted ? 'DatasetRecordDeleted' : 'DatasetRecordUpserted',
          runId: r.run_id,
          table: r.tbl,
          primaryKey: r.pk === null ? null : decodeURIComponent(r.pk),
          position: r.source_position,
          fetchedAt: r.fetched_at,
        }),
      },
      out,
      subject: r.subject,
    };
  }

  private systemOf(runId: string): string | null {
    if (!this.systems.has(runId)) {
      const system = this.get<{ system: string | null }>(
        'SELECT system FROM lineage_runs WHERE run_id = ?',
        runId,
      )?.system;
      if (system === undefined) return null; // not there yet: asked again next time
      if (this.systems.size > 10_000) this.systems.clear();
      this.systems.set(runId, system);
    }
    return this.systems.get(runId)!;
  }

  run(runId: string): LoadedNode | undefined {
    const r = this.get<Row.Run>('SELECT * FROM lineage_runs WHERE run_id = ?', runId);
    if (!r) return undefined;
    const counts = r.counts ? (JSON.parse(r.counts) as Record<string, number>) : {};
    return {
      node: {
        id: nodeId.run(r.run_id),
        kind: 'RUN',
        label: `${r.connector} run (${r.outcome})`,
        at: r.started_at,
        attributes: attributes({
          connector: r.connector,
          runId: r.run_id,
          version: r.version,
          system: r.system,
          tables: r.tables ? list(r.tables) : null,
          outcome: r.outcome,
          startedAt: r.started_at,
          endedAt: r.ended_at,
          durationMs: r.duration_ms,
          ...Object.fromEntries(
            Object.entries(counts).map(([k, v]) => [`rows${k[0]!.toUpperCase()}${k.slice(1)}`, v]),
          ),
          errorCode: r.error_code,
        }),
      },
      out: [],
    };
  }

  /** A source row: known when a record event names it (its newest read gives the time). */
  source(ref: Extract<NodeRef, { kind: 'SOURCE' }>): LoadedNode | undefined {
    const latest = this.get<{ source_position: string | null; fetched_at: string | null }>(
      `SELECT r.source_position, r.fetched_at FROM lineage_records r JOIN lineage_runs u ON u.run_id = r.run_id
       WHERE r.tbl = ? AND r.pk = ? AND u.system = ? ORDER BY r.position DESC LIMIT 1`,
      ref.table,
      ref.key,
      ref.system,
    );
    if (!latest) return undefined;
    return {
      node: {
        id: nodeId.source(ref.system, ref.table, ref.key),
        kind: 'SOURCE',
        label: `${ref.table} row ${decodeURIComponent(ref.key)}`,
        at: latest.fetched_at,
        attributes: attributes({
          system: ref.system,
          table: ref.table,
          primaryKey: decodeURIComponent(ref.key),
          lastPosition: latest.source_position,
          lastFetchedAt: latest.fetched_at,
        }),
      },
      out: [],
    };
  }

  consent(consentId: string): LoadedNode | undefined {
    const c = this.get<Row.Consent>('SELECT * FROM lineage_consents WHERE consent_id = ?', consentId);
    if (!c) return undefined;
    const scope = (JSON.parse(c.scope) as { dataset: string; fields: string[] }[])
      .map((s) => `${s.dataset}: ${s.fields.join(' ')}`)
      .join('; ');
    return {
      node: {
        id: nodeId.consent(c.consent_id),
        kind: 'CONSENT',
        label: `consent to ${c.consumer} (${c.status})`,
        at: c.granted_at,
        attributes: attributes({
          subject: c.subject,
          consumer: c.consumer,
          purposes: list(c.purposes),
          scope,
          dossier: c.dossier,
          validFrom: c.valid_from,
          validUntil: c.valid_until,
          status: c.status,
          endedAt: c.ended_at,
          collectedBy: `${c.collected_agency} (${c.collected_official})`,
          receiptId: c.receipt_id,
        }),
      },
      out: c.dossier ? [{ to: nodeId.dossier(c.dossier), relation: 'for-dossier' }] : [],
      subject: c.subject,
    };
  }

  contract(contractId: string, version: number): LoadedNode | undefined {
    const c = this.get<Row.Contract>(
      'SELECT * FROM lineage_contracts WHERE contract_id = ? AND version = ?',
      contractId,
      version,
    );
    if (!c) return undefined;
    return {
      node: {
        id: nodeId.contract(c.contract_id, c.version),
        kind: 'CONTRACT',
        label: `contract ${c.contract_id}, version ${c.version}`,
        at: c.at,
        attributes: attributes({
          contract: c.contract_id,
          version: c.version,
          provider: c.provider,
          consumer: c.consumer,
          dataset: c.dataset,
          fields: list(c.fields),
          purposes: list(c.purposes),
          legalBasis: c.legal_basis,
          consentRequired: c.consent_required === 1,
          validFrom: c.valid_from,
          validUntil: c.valid_until,
          revokedOn: c.revoked_on,
        }),
      },
      out: [],
    };
  }

  /** A dossier: its components, the reads that served it (newest first), its links, its result. */
  dossier(dossierId: string): LoadedNode | undefined {
    const d = this.get<Row.Dossier>('SELECT * FROM lineage_dossiers WHERE dossier_id = ?', dossierId);
    const reads = this.ids(
      'SELECT access_id AS id FROM lineage_accesses WHERE dossier = ? ORDER BY position DESC LIMIT ?',
      dossierId,
      LIMIT,
    );
    if (!d && reads.length === 0) return undefined;
    const components = d
      ? this.all<{ component: string; resolution: string }>(
          'SELECT component, resolution FROM lineage_components WHERE dossier_id = ? ORDER BY component',
          dossierId,
        )
      : [];
    const children = this.ids(
      'SELECT dossier_id AS id FROM lineage_dossiers WHERE parent = ? ORDER BY dossier_id',
      dossierId,
    );
    const read = capped(reads, 'read', nodeId.access);
    const out: OutEdge[] = components.map((c) => ({
      to: nodeId.component(dossierId, c.component),
      relation: 'has-component',
    }));
    out.push(...read.out);
    if (d?.parent) out.push({ to: nodeId.dossier(d.parent), relation: 'linked-from' });
    for (const child of children) out.push({ to: nodeId.dossier(child), relation: 'linked-child' });
    if (d?.result_document) out.push({ to: nodeId.document(d.result_document), relation: 'result' });
    const count = (resolution: string) => components.filter((c) => c.resolution === resolution).length;
    return {
      node: {
        id: nodeId.dossier(dossierId),
        kind: 'DOSSIER',
        label: d
          ? `dossier ${dossierId} (${d.procedure})`
          : `dossier ${dossierId} (not recorded on this hub)`,
        at: d?.submitted_at ?? null,
        attributes: d
          ? attributes({
              procedure: d.procedure,
              procedureVersion: d.procedure_version,
              agency: d.agency,
              channel: d.channel,
              applicant: d.applicant,
              parent: d.parent,
              lastEvent: d.last_event,
              updatedAt: d.updated_at,
              fieldsPrefilled: d.prefilled,
              fieldsTyped: d.typed,
              componentsReused: count('reused'),
              componentsUploaded: count('uploaded'),
              componentsAskedAgain: count('asked-again'),
              componentsHeld: count('held') || null,
              resultDocument: d.result_document,
            })
          : [{ name: 'recorded', value: 'false' }],
      },
      out,
      capped: read.capped,
      subject: d?.applicant ?? null,
    };
  }

  /** How one component was satisfied: reused from what the state held, uploaded, or asked again. */
  component(dossierId: string, component: string): LoadedNode | undefined {
    const c = this.get<Row.Component>(
      'SELECT * FROM lineage_components WHERE dossier_id = ? AND component = ?',
      dossierId,
      component,
    );
    if (!c) return undefined;
    const out: OutEdge[] = [];
    const held =
      c.source_id === null
        ? null
        : c.source_kind === 'record-event'
          ? nodeId.record(c.source_id)
          : nodeId.document(c.source_id);
    if (held) out.push({ to: held, relation: c.resolution === 'reused' ? 'reused-from' : 'held-as' });
    if (c.document_id) out.push({ to: nodeId.document(c.document_id), relation: 'uploaded' });
    const how: Record<string, string> = {
      reused: 'reused',
      uploaded: 'uploaded',
      'asked-again': 'asked again',
      held: 'held by the state',
    };
    return {
      node: {
        id: nodeId.component(dossierId, component),
        kind: 'COMPONENT',
        label: `${component}: ${how[c.resolution] ?? c.resolution}`,
        at: c.at,
        attributes: attributes({
          dossier: dossierId,
          component,
          resolution: c.resolution,
          heldAs: c.source_kind,
          sourceEventId: c.source_event,
          document: c.document_id,
        }),
      },
      out,
    };
  }

  /** A dossier document: where it came from (the dossier it was digitised for, or issued in). */
  document(documentId: string): LoadedNode | undefined {
    const d = this.get<Row.Document>('SELECT * FROM lineage_documents WHERE document_id = ?', documentId);
    if (!d) return undefined;
    const result = d.origin === 'result';
    return {
      node: {
        id: nodeId.document(documentId),
        kind: 'DOCUMENT',
        label: `${d.result_type ?? 'paper'} ${result ? `issued by ${d.agency}` : `digitised by ${d.agency}`}`,
        at: d.at,
        attributes: attributes({
          origin: d.origin,
          subject: d.subject,
          dossier: d.dossier,
          component: d.component,
          resultType: d.result_type,
          [result ? 'issuer' : 'digitisedBy']: d.agency,
          official: d.official,
          eventId: d.event_id,
          contentHash: d.content_hash,
          mediaType: d.media_type,
          pages: d.pages,
          certifiedCopy: result ? null : d.certified === 1,
          validUntil: d.valid_until,
          reuses: d.reuses,
          revokedAt: d.revoked_at,
          revokedBy: d.revoked_by,
        }),
      },
      out: [{ to: nodeId.dossier(d.dossier), relation: result ? 'issued-in' : 'digitised-for' }],
      subject: d.subject,
    };
  }

  /** When this hub first took a message of the exchanged document `documentId`, if it did. */
  exchangedAt(documentId: string): string | undefined {
    return this.get<{ first_at: string }>(
      'SELECT first_at FROM lineage_exchanged WHERE document_id = ?',
      documentId,
    )?.first_at;
  }
}
