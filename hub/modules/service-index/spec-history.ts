import type { EventData, RecordedEvent } from '../../kernel/event-store.js';
import { deterministicId } from '../../kernel/ids.js';
import { buildMetadata } from '../../kernel/metadata.js';
import type { ProjectionHandler } from '../../kernel/projection.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import { seal } from '../../privacy/sealed.js';
import type { DocumentDigitisedData } from '../documents/index.js';
import { type DossierEvent, declarationContext, dossierStream } from '../dossiers/index.js';
import type { ProcedurePublishedData } from '../procedures/index.js';

/**
 * What the service-index specs share: dossier histories written as schema-valid events (the same
 * data can go to a real store), and a runner-like way to apply them to a projection in batches.
 */
const NS = '5b9e0c8e-1d2f-4e3a-8b7c-6d5e4f3a2b1c';
const APPLICANT = 'aaaabbbbccccddddeeeeffff00001111';
const HASH = 'ab'.repeat(32);

/** A declaration sealed under a test key (the index never opens it). */
const sealedDeclaration = (dossierId: string) =>
  seal({ kid: '0123456789abcdef', key: Buffer.alloc(32, 7) }, APPLICANT, declarationContext(dossierId), {
    fullName: 'Nguyễn Văn An',
  });

type DossierType = DossierEvent['type'];
type DataOf<T extends DossierType> = Omit<Extract<DossierEvent, { type: T }>['data'], 'dossierId'>;

export class History {
  readonly events: RecordedEvent[] = [];
  private readonly revisions = new Map<string, number>();

  add(stream: string, type: string, data: unknown, at: string): RecordedEvent {
    const revision = (this.revisions.get(stream) ?? -1) + 1;
    this.revisions.set(stream, revision);
    const event: RecordedEvent = {
      id: deterministicId(NS, stream, revision),
      type,
      data,
      metadata: buildMetadata({
        occurredAt: at,
        actor: { kind: 'agency', id: '000.04.01.H26', official: 'clerk-1' },
        correlationId: 'c',
      }),
      stream,
      revision,
      position: this.events.length + 1,
      recordedAt: at,
    };
    this.events.push(event);
    return event;
  }

  /** The events to append to a store, grouped per stream in order. */
  byStream(): Map<string, EventData[]> {
    const out = new Map<string, EventData[]>();
    for (const e of this.events) {
      const list = out.get(e.stream) ?? [];
      list.push({ id: e.id, type: e.type, data: e.data, metadata: e.metadata });
      out.set(e.stream, list);
    }
    return out;
  }

  procedure(code: string, version: number, o: { paperResultRequired: boolean; fee: number }, at: string) {
    const data = {
      code,
      version,
      contentHash: HASH,
      definition: {
        code,
        paperResultRequired: o.paperResultRequired,
        fee: { amount: o.fee },
        serviceLevel: 'full-online',
      },
    } as unknown as ProcedurePublishedData;
    this.add(`procedure-${code}`, 'ProcedurePublished', data, at);
  }

  digitised(dossier: string, component: string, at: string) {
    const documentId = deterministicId(NS, 'doc', dossier, component);
    const data: DocumentDigitisedData = {
      documentId,
      subject: APPLICANT,
      contentHash: HASH,
      blobHash: HASH,
      size: 10,
      mediaType: 'application/pdf',
      pages: 1,
      dossier,
      componentCode: component,
      digitisedBy: { agency: '000.04.01.H26', official: 'clerk-1' },
      digitisedAt: at,
      certifiedCopy: false,
      resultType: null,
    };
    this.add(`document-${documentId}`, 'DocumentDigitised', data, at);
  }

  dossier(id: string) {
    const put = <T extends DossierType>(type: T, data: DataOf<T>, at: string) => {
      this.add(dossierStream(id), type, { dossierId: id, ...data }, at);
      return api;
    };
    const api = {
      submit: (
        at: string,
        o: {
          agency: string;
          channel: 'online' | 'desk' | 'postal';
          procedure: string;
          prefilled?: number;
          typed?: number;
        },
      ) =>
        put(
          'DossierSubmitted',
          {
            channel: o.channel,
            procedure: { code: o.procedure, version: '1' },
            agency: o.agency,
            applicant: APPLICANT,
            declaration: {
              sealed: sealedDeclaration(id),
              fields: { prefilled: o.prefilled ?? 0, typed: o.typed ?? 0 },
            },
            parent: null,
          },
          at,
        ),
      receive: (at: string, due: string) =>
        put('DossierReceived', { receivedBy: 'clerk-1', appointmentAt: due }, at),
      refuse: (at: string) => put('DossierRefused', { reason: 'thiếu giấy tờ', refusedBy: 'clerk-1' }, at),
      transfer: (at: string, from: string, to: string) =>
        put('DossierTransferred', { from, to, reason: 'thẩm quyền' }, at),
      supplement: (at: string) =>
        put('DossierSupplementRequested', { items: ['TP1'], reason: 'bổ sung' }, at),
      supply: (at: string, pausedAt: string, due: string) =>
        put(
          'DossierSupplementSupplied',
          { pausedAt, pausedWorkingTime: { amount: 1, unit: 'day' }, dueAt: due, appointmentAt: due },
          at,
        ),
      notify: (at: string, obligationId: string, amountVnd: number) =>
        put('DossierFinancialObligationNotified', { obligationId, kind: 'fee', amountVnd }, at),
      pay: (at: string, obligationId: string, amountVnd: number, method: 'online' | 'desk') =>
        put(
          'DossierFinancialObligationPaid',
          { obligationId, method, amountVnd, paymentReference: `ref-${obligationId}` },
          at,
        ),
      approve: (at: string) => put('DossierApproved', { by: 'head-1' }, at),
      result: (at: string, o: { electronic: boolean; paper: boolean }) =>
        put(
          'DossierResultIssued',
          {
            electronic: o.electronic ? { documentId: `result-${id}`, contentHash: HASH } : null,
            paper: o.paper,
          },
          at,
        ),
      reject: (at: string) => put('DossierRejected', { by: 'head-1', reason: 'không đủ điều kiện' }, at),
      stop: (at: string) => put('DossierProcessingStopped', { reason: 'dừng' }, at),
      withdraw: (at: string) => put('DossierWithdrawn', { reason: null }, at),
      returned: (at: string) => put('DossierResultReturned', { channel: 'desk' }, at),
      rate: (at: string, score: number, outOf = 5) => put('DossierRated', { score, outOf }, at),
      component: (at: string, component: string, kind: 'reused' | 'uploaded' | 'asked-again') =>
        put(
          'DossierComponentResolved',
          {
            component,
            resolution:
              kind === 'reused'
                ? { kind, source: { kind: 'document', documentId: `held-${component}` } }
                : kind === 'uploaded'
                  ? { kind, documentId: `up-${id}-${component}` }
                  : {
                      kind,
                      documentId: `up-${id}-${component}`,
                      heldAs: { kind: 'document', documentId: `held-${component}` },
                    },
          },
          at,
        ),
    };
    return api;
  }
}

/** Applies events as the runner does: one transaction per batch, `endBatch` at its end. */
export function applyInBatches(
  db: ReadModelDb,
  handler: ProjectionHandler,
  events: readonly RecordedEvent[],
  size: number,
) {
  const batch = db.transaction((part: readonly RecordedEvent[]) => {
    for (const e of part) handler.apply(e);
    handler.endBatch?.();
  });
  for (let i = 0; i < events.length; i += size) batch.immediate(events.slice(i, i + size));
}
