import { attributes, type LoadedNode, type OutEdge } from './graph.js';
import { nodeId } from './ids.js';
import { capped, LIMIT, list, ReadModelReader } from './reader.js';
import type * as Row from './rows.js';

/**
 * The nodes of a release's basis and of dossiers: consents, contract versions, dossiers, their
 * components and documents, each with the edges leaving it.
 */
export class BasisNodes extends ReadModelReader {
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
