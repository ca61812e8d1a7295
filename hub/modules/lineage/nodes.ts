import type { ReadModelDb } from '../../kernel/read-model.js';
import { BasisNodes } from './basis-nodes.js';
import { attributes, type LoadedNode, type OutEdge } from './graph.js';
import { type NodeRef, nodeId } from './ids.js';
import { capped, LIMIT, list, ReadModelReader } from './reader.js';
import type * as Row from './rows.js';

/**
 * The nodes the `lineage` read model holds, each read by primary key or one index range, with the
 * edges leaving it (upstream: where it came from, what it relied on): here a citizen's fields,
 * releases, record events, runs and source rows; consents, contracts, dossiers and documents in
 * `basis-nodes.ts`. The exchange trail's hops are read elsewhere (`hops.ts`).
 */
export class ReadModelNodes extends ReadModelReader {
  private readonly systems = new Map<string, string | null>();
  /** Consents, contracts, dossiers, components, documents. */
  readonly basis: BasisNodes;

  constructor(
    db: ReadModelDb,
    /** The datasets that define a field (for a field asked of every dataset). */
    private readonly datasetsWith: (field: string) => readonly string[],
  ) {
    super(db);
    this.basis = new BasisNodes(db);
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
        return this.basis.consent(ref.consentId);
      case 'CONTRACT':
        return this.basis.contract(ref.contractId, ref.version);
      case 'DOSSIER':
        return this.basis.dossier(ref.dossierId);
      case 'COMPONENT':
        return this.basis.component(ref.dossierId, ref.component);
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
}
