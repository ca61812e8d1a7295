import { BACKWARDS, END, jsonEvent, type KurrentDBClient } from '@kurrent/kurrentdb-client';
import { WrongExpectedRevisionError } from '../errors.js';
import type { EventData } from './event-store.js';
import { contentHash, mapClientError, toNumber } from './kurrentdb-mapping.js';

/**
 * One KurrentDB stream per event id, `_eventid-<id>`, claimed with NO_STREAM before the event is
 * appended: KurrentDB has no global index of event ids, so this is how an id reused in another
 * stream or with other content is found. The name is never a valid port stream name, so reads and
 * subscriptions never show it.
 */
export const claimStream = (eventId: string) => `_eventid-${eventId}`;
const CLAIM_TYPE = 'EventIdClaimed';
const PARALLEL_CLAIMS = 32;

export interface ClaimData {
  stream: string;
  hash: string;
  /** Revision the event was (or was meant to be) written at, when known. */
  revision?: number;
}

export type Claim =
  | { kind: 'new'; eventId: string }
  | { kind: 'existing'; eventId: string; claim: ClaimData; claimRevision: number }
  | { kind: 'conflict'; eventId: string; reason: string };

/** Compares an existing claim with the event being appended. */
export function judgeClaim(
  eventId: string,
  existing: ClaimData,
  stream: string,
  hash: string,
): Claim | undefined {
  if (existing.stream !== stream) {
    return { kind: 'conflict', eventId, reason: `already used in stream ${existing.stream}` };
  }
  if (existing.hash !== hash)
    return { kind: 'conflict', eventId, reason: 'already used with different content' };
  return undefined;
}

/** The first revision of a batch whose existing claims all point at consecutive revisions, if they do. */
export function claimedFirstRevision(claims: readonly Claim[]): number | undefined {
  const revisions = claims.map((c) => (c.kind === 'existing' ? c.claim.revision : undefined));
  const first = revisions[0];
  if (first === undefined) return undefined;
  return revisions.every((r, i) => r === first + i) ? first : undefined;
}

async function lastClaim(client: KurrentDBClient, eventId: string) {
  for await (const resolved of client.readStream(claimStream(eventId), {
    direction: BACKWARDS,
    fromRevision: END,
    maxCount: 1,
  })) {
    if (resolved.event) {
      return {
        claim: resolved.event.data as unknown as ClaimData,
        revision: toNumber(resolved.event.revision, 'revision'),
      };
    }
  }
  return undefined;
}

async function claimOne(
  client: KurrentDBClient,
  stream: string,
  event: EventData,
  revision?: number,
): Promise<Claim> {
  const hash = contentHash(event);
  const data: ClaimData = { stream, hash, ...(revision !== undefined ? { revision } : {}) };
  try {
    await client.appendToStream(claimStream(event.id), jsonEvent({ type: CLAIM_TYPE, data: { ...data } }), {
      streamState: 'no_stream',
    });
    return { kind: 'new', eventId: event.id };
  } catch (error) {
    const mapped = mapClientError(error, claimStream(event.id), 'no_stream');
    if (!(mapped instanceof WrongExpectedRevisionError)) throw mapped;
  }
  const existing = await lastClaim(client, event.id);
  if (!existing) return { kind: 'new', eventId: event.id };
  return (
    judgeClaim(event.id, existing.claim, stream, hash) ?? {
      kind: 'existing',
      eventId: event.id,
      claim: existing.claim,
      claimRevision: existing.revision,
    }
  );
}

export async function claimIds(
  client: KurrentDBClient,
  stream: string,
  events: readonly EventData[],
  firstRevision: number | undefined,
): Promise<Claim[]> {
  const claims: Claim[] = [];
  for (let i = 0; i < events.length; i += PARALLEL_CLAIMS) {
    const chunk = events.slice(i, i + PARALLEL_CLAIMS);
    claims.push(
      ...(await Promise.all(
        chunk.map((e, j) =>
          claimOne(client, stream, e, firstRevision === undefined ? undefined : firstRevision + i + j),
        ),
      )),
    );
  }
  return claims;
}

/** Records where the events actually landed, for claims that did not know it or guessed wrong. */
export async function settleClaims(
  client: KurrentDBClient,
  stream: string,
  events: readonly EventData[],
  claims: readonly Claim[],
  guess: number | undefined,
  firstRevision: number,
): Promise<void> {
  const stale = events.flatMap((e, i) => {
    const c = claims[i];
    const claimed = c?.kind === 'existing' ? c.claim.revision : guess === undefined ? undefined : guess + i;
    return claimed === firstRevision + i ? [] : [{ e, revision: firstRevision + i }];
  });
  for (let i = 0; i < stale.length; i += PARALLEL_CLAIMS) {
    await Promise.all(
      stale.slice(i, i + PARALLEL_CLAIMS).map(({ e, revision }) => {
        const data: ClaimData = { stream, hash: contentHash(e), revision };
        return client.appendToStream(claimStream(e.id), jsonEvent({ type: CLAIM_TYPE, data: { ...data } }));
      }),
    );
  }
}
