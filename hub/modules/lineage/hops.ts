import type {
  ExchangeDeliveryFailedData,
  ExchangeMessageAcceptedData,
  ExchangeMessageDeliveredData,
  ExchangeMessageForwardedData,
  ExchangeMessageRefusedData,
  ExchangeMessageRoutedData,
  TrailEvent,
} from '../exchange/index.js';
import { attributes, type LoadedNode, type OutEdge } from './graph.js';
import { nodeId } from './ids.js';

/** A document's trail across hubs, as the exchange gives it (this hub's events, then each hub it names). */
export type TrailSource = (documentId: string) => Promise<readonly TrailEvent[]>;

/** A document's trail as lineage nodes: where it entered the exchange, and hop by hop where it went. */
export interface TrailGraph {
  /** Edges from the document node: the hops where its messages entered, refusals, hubs that could not be asked. */
  entries: OutEdge[];
  hops: Map<string, LoadedNode>;
}

interface Hop {
  id: string;
  hubId: string;
  message: string;
  accepted?: ExchangeMessageAcceptedData;
  at: string | null;
  delivered: string[];
  routedTo: string[];
  forwarded: Map<string, number>;
  failures: number;
  lastFailure?: ExchangeDeliveryFailedData;
  out: OutEdge[];
}

const messageKeyOf = (data: unknown) => (data as { messageKey?: string }).messageKey;

/**
 * The hops of one document's trail: a node per message a hub recorded (`hop:<hub>/<message key>/
 * <document>`, the message's kind, how it came, where it was delivered or forwarded), an edge
 * `forwarded-to` from the hop that handed a message on to the hop that took it, and a node per
 * refusal and per hub that could not be asked. No subject line of a document (it may name people):
 * codes, organs, hubs and times only.
 */
export function trailGraph(documentId: string, trail: readonly TrailEvent[]): TrailGraph {
  const hops = new Map<string, Hop>();
  const hopOf = (hubId: string, message: string) => {
    const id = nodeId.hop(hubId, message, documentId);
    let hop = hops.get(id);
    if (!hop) {
      hop = {
        id,
        hubId,
        message,
        at: null,
        delivered: [],
        routedTo: [],
        forwarded: new Map(),
        failures: 0,
        out: [],
      };
      hops.set(id, hop);
    }
    return hop;
  };
  const entries: OutEdge[] = [];
  const extra = new Map<string, LoadedNode>();
  for (const e of trail) {
    const key = messageKeyOf(e.data);
    if (e.type === 'ExchangeMessageRefused') {
      const r = e.data as ExchangeMessageRefusedData;
      const id = nodeId.hop(e.hubId, `refused-${r.envelope.sha256.slice(0, 16)}`, documentId);
      extra.set(id, {
        node: {
          id,
          kind: 'HOP',
          label: `refused at ${e.hubId}`,
          at: e.recordedAt,
          attributes: attributes({ hub: e.hubId, stage: r.stage, code: r.code, fromOrgan: r.fromOrgan }),
        },
        out: [],
      });
      entries.push({ to: id, relation: 'refused' });
    } else if (e.type === 'TrailUnavailable') {
      const id = nodeId.hop(e.hubId, 'unavailable', documentId);
      const reason = (e.data as { reason?: string }).reason;
      extra.set(id, {
        node: {
          id,
          kind: 'HOP',
          label: `trail unavailable at ${e.hubId}`,
          at: e.recordedAt,
          attributes: attributes({ hub: e.hubId, reason }),
        },
        out: [],
      });
      entries.push({ to: id, relation: 'trail-unavailable' });
    } else if (key) {
      const hop = hopOf(e.hubId, key);
      if (e.type === 'ExchangeMessageAccepted') {
        hop.accepted = e.data as ExchangeMessageAcceptedData;
        hop.at = e.recordedAt;
      } else if (e.type === 'ExchangeMessageRouted') {
        for (const r of (e.data as ExchangeMessageRoutedData).routes)
          hop.routedTo.push(r.action === 'deliver' ? r.organCode : `${r.organCode} via ${r.hubId}`);
      } else if (e.type === 'ExchangeMessageDelivered') {
        hop.delivered.push((e.data as ExchangeMessageDeliveredData).organCode);
      } else if (e.type === 'ExchangeMessageForwarded') {
        const f = e.data as ExchangeMessageForwardedData;
        hop.forwarded.set(f.hubId, f.attempt);
      } else if (e.type === 'ExchangeDeliveryFailed') {
        hop.failures++;
        hop.lastFailure = e.data as ExchangeDeliveryFailedData;
      }
    }
  }
  // each message's hop on a hub came from the hop of the hub that handed it on (its `via`)
  for (const hop of hops.values()) {
    const via = hop.accepted?.via;
    const previous =
      via?.channel === 'hub' ? hops.get(nodeId.hop(via.hubId, hop.message, documentId)) : undefined;
    if (previous) previous.out.push({ to: hop.id, relation: 'forwarded-to' });
    else entries.push({ to: hop.id, relation: 'sent-as' });
  }
  // a forward to a hub whose trail was not read still shows where the message went
  for (const hop of hops.values()) {
    for (const hubId of hop.forwarded.keys()) {
      const to = nodeId.hop(hubId, hop.message, documentId);
      if (!hop.out.some((e) => e.to === to)) hop.out.push({ to, relation: 'forwarded-to' });
    }
  }
  const out = new Map(extra);
  for (const hop of hops.values()) out.set(hop.id, hopNode(hop));
  return { entries, hops: out };
}

function hopNode(hop: Hop): LoadedNode {
  const a = hop.accepted;
  const kind = a?.kind ?? 'message';
  const status = a?.status?.statusCode;
  return {
    node: {
      id: hop.id,
      kind: 'HOP',
      label: `${status ? `status ${status}` : kind} at ${hop.hubId}`,
      at: hop.at,
      attributes: attributes({
        hub: hop.hubId,
        messageKind: a?.kind,
        fromOrgan: a?.fromOrgan,
        signer: a?.signer.organCode,
        via: a ? (a.via.channel === 'hub' ? `hub ${a.via.hubId}` : a.via.channel) : undefined,
        documentDate: a?.documentDate,
        businessType: a?.document?.businessType,
        codeNumber: a?.document?.codeNumber,
        codeNotation: a?.document?.codeNotation,
        documentType: a?.document?.documentType,
        statusCode: status,
        statusAt: a?.status?.statusAt,
        envelopeSha256: a?.envelope.sha256,
        routedTo: hop.routedTo.join(', '),
        deliveredTo: hop.delivered.join(', '),
        forwardedTo: [...hop.forwarded].map(([hub, attempt]) => `${hub} (attempt ${attempt})`).join(', '),
        deliveryFailures: hop.failures || undefined,
        lastFailure: hop.lastFailure
          ? `${hop.lastFailure.code}${hop.lastFailure.permanent ? ' (permanent)' : ''}`
          : undefined,
      }),
    },
    out: hop.out,
  };
}
