import type { Clock } from '../../kernel/clock.js';
import { StreamNotFoundError } from '../../kernel/errors/index.js';
import type { EventStore, RecordedEvent } from '../../kernel/event-store.js';
import type { IdSource } from '../../kernel/ids.js';
import type { HubDirectory } from './directory.js';
import {
  type ExchangeMessageAcceptedData,
  type ExchangeMessageRoutedData,
  exchangeStream,
} from './events.js';
import { HUB_SIGNATURE_HEADER, type HubKey, signHubRequest, trailRequest } from './transport.js';

/** One event of a document's trail, with the hub that recorded it. */
export interface TrailEvent {
  hubId: string;
  type: string;
  recordedAt: string;
  data: unknown;
}

/** The hub-to-hub path of the trail endpoint. */
export const trailPath = (documentId: string) => `exchange/v1/trail/${encodeURIComponent(documentId)}`;

/** The events of a document on this hub, oldest first (none when the hub never saw it). */
export async function localTrail(
  store: EventStore,
  hubId: string,
  documentId: string,
): Promise<TrailEvent[]> {
  let events: RecordedEvent[];
  try {
    events = await store.readStream(exchangeStream(documentId));
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
  return events.map((e) => ({ hubId, type: e.type, recordedAt: e.recordedAt, data: withoutEnvelopeText(e) }));
}

/** An event's data without the envelope's text (the trail says what happened; the envelope is fetched apart). */
function withoutEnvelopeText(event: RecordedEvent): unknown {
  if (event.type !== 'ExchangeMessageAccepted') return event.data;
  const data = event.data as ExchangeMessageAcceptedData;
  const { xml: _xml, ...envelope } = data.envelope;
  return { ...data, envelope };
}

/** The hubs a trail names: where its messages came from and where they were forwarded. */
function neighbours(trail: readonly TrailEvent[]): Set<string> {
  const hubs = new Set<string>();
  for (const e of trail) {
    if (e.type === 'ExchangeMessageAccepted') {
      const via = (e.data as ExchangeMessageAcceptedData).via;
      if (via.channel === 'hub') hubs.add(via.hubId);
    } else if (e.type === 'ExchangeMessageRouted') {
      for (const r of (e.data as ExchangeMessageRoutedData).routes)
        if (r.action === 'forward') hubs.add(r.hubId);
    }
  }
  return hubs;
}

/**
 * The trail across hubs: this hub's, then each hub it names (where messages came from, where they
 * went), asked with signed requests, breadth first, each hub once. A hub that cannot be asked is
 * reported as one `TrailUnavailable` entry instead of failing the whole answer.
 */
export async function trailAcrossHubs(
  deps: { store: EventStore; directory: HubDirectory; key: HubKey; clock: Clock; ids: IdSource },
  documentId: string,
): Promise<TrailEvent[]> {
  const self = deps.key.hubId;
  const all = await localTrail(deps.store, self, documentId);
  const seen = new Set([self]);
  let frontier = [...neighbours(all)].filter((h) => !seen.has(h));
  while (frontier.length > 0 && seen.size < 32) {
    const answers = await Promise.all(
      frontier.map(async (hubId) => {
        seen.add(hubId);
        return fetchTrail(deps, hubId, documentId);
      }),
    );
    const next = new Set<string>();
    for (const trail of answers) {
      all.push(...trail);
      for (const h of neighbours(trail)) if (!seen.has(h)) next.add(h);
    }
    frontier = [...next];
  }
  return all;
}

async function fetchTrail(
  deps: { directory: HubDirectory; key: HubKey; clock: Clock; ids: IdSource },
  hubId: string,
  documentId: string,
): Promise<TrailEvent[]> {
  const hub = deps.directory.get(hubId);
  const unavailable = (reason: string): TrailEvent[] => [
    { hubId, type: 'TrailUnavailable', recordedAt: deps.clock().toISOString(), data: { reason } },
  ];
  if (!hub) return unavailable('not in the directory');
  try {
    const signature = await signHubRequest(
      deps.key,
      { to: hubId, body: new Uint8Array(), request: trailRequest(documentId) },
      deps.clock,
      deps.ids,
    );
    const response = await fetch(
      new URL(trailPath(documentId), hub.url.endsWith('/') ? hub.url : `${hub.url}/`),
      {
        headers: { [HUB_SIGNATURE_HEADER]: signature },
        signal: AbortSignal.timeout(10_000),
      },
    );
    if (!response.ok) return unavailable(`HTTP ${response.status}`);
    const body = (await response.json()) as { events?: TrailEvent[] };
    return (body.events ?? []).map((e) => ({ ...e, hubId }));
  } catch (error) {
    return unavailable((error as Error).message);
  }
}
