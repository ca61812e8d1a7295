import {
  type CryptoKey,
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  type JWK,
  type JWTVerifyGetKey,
  jwtVerify,
  SignJWT,
} from 'jose';
import type { Clock } from '../../kernel/clock.js';
import { ExchangeHubUnauthenticatedError, ExchangeReplayError } from '../../kernel/errors/index.js';
import type { IdSource } from '../../kernel/ids.js';
import { prepared, type ReadModelDb } from '../../kernel/read-model.js';
import type { HubSigningKey } from '../consent/index.js';
import { sha256Hex } from '../documents/index.js';
import type { HubDirectory } from './directory.js';

/** The header carrying a hub's signed request (a compact JWS). */
export const HUB_SIGNATURE_HEADER = 'lienthong-hub-signature';
/** How long a signed request is good for. */
const REQUEST_TTL_SECONDS = 120;
/** Clock skew tolerated between hubs. */
const CLOCK_TOLERANCE_SECONDS = 30;

/** This hub's key for signing its requests to other hubs: the hub's own signing key (Ed25519). */
export interface HubKey {
  hubId: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/**
 * The hub's request key: the signing key the hub already has (`LIENTHONG_SIGNING_KEY`, or
 * `<dataDir>/signing-key.json` outside production — `hubSigningKey` of the consent module), whose
 * public half other hubs find at `/.well-known/jwks.json`.
 */
export const hubKeyOf = (hubId: string, key: HubSigningKey): HubKey => ({
  hubId,
  privateKey: key.privateKey,
  publicJwk: key.publicJwk,
});

/** What a request between hubs asks for, signed with it so a token cannot be used for another. */
export const ENVELOPES_REQUEST = 'POST envelopes';
export const trailRequest = (documentId: string) => `GET trail ${documentId}`;

/**
 * Signs a request to another hub: a JWT (EdDSA) naming this hub (`iss`), the receiving hub (`aud`),
 * a fresh id (`jti`, for replay protection), its time window, what it asks (`req`: posting
 * envelopes, or one document's trail) and the SHA-256 of the body, so neither the body nor the
 * request can be swapped under it.
 */
export function signHubRequest(
  key: HubKey,
  input: { to: string; body: Uint8Array; request?: string },
  clock: Clock,
  ids: IdSource,
): Promise<string> {
  const now = Math.floor(clock().getTime() / 1000);
  return new SignJWT({ sha256: sha256Hex(input.body), req: input.request ?? ENVELOPES_REQUEST })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'lienthong-hub+jwt', kid: key.publicJwk.kid! })
    .setIssuer(key.hubId)
    .setAudience(input.to)
    .setIssuedAt(now)
    .setExpirationTime(now + REQUEST_TTL_SECONDS)
    .setJti(ids())
    .sign(key.privateKey);
}

/**
 * Request ids seen within their window, in the read-model database (table
 * `exchange_seen_requests`, not a projection: it survives restarts and rebuilds). A second use of
 * an id is a replay.
 */
export class ReplayGuard {
  constructor(private readonly db: ReadModelDb) {
    db.exec(`CREATE TABLE IF NOT EXISTS exchange_seen_requests (
      request_id TEXT PRIMARY KEY, hub_id TEXT NOT NULL, expires_at INTEGER NOT NULL)`);
  }

  /** Records the id; throws EXCHANGE_REPLAYED when it was seen before. */
  remember(requestId: string, hubId: string, expiresAt: number): void {
    const inserted = prepared<[string, string, number], never>(
      this.db,
      'INSERT OR IGNORE INTO exchange_seen_requests (request_id, hub_id, expires_at) VALUES (?, ?, ?)',
    ).run(`${hubId}/${requestId}`, hubId, expiresAt);
    if (inserted.changes === 0) throw new ExchangeReplayError(requestId, 'this request was already received');
  }

  /** Forgets ids past their window (a replay of them fails the time check instead). */
  prune(nowSeconds: number): number {
    return prepared<[number], never>(this.db, 'DELETE FROM exchange_seen_requests WHERE expires_at < ?').run(
      nowSeconds - CLOCK_TOLERANCE_SECONDS,
    ).changes;
  }
}

/** Checks requests from other hubs: signed by a hub of the directory, for this hub, in time, once, over this body. */
export class HubRequestVerifier {
  private readonly keySets = new Map<string, JWTVerifyGetKey>();

  constructor(
    private readonly deps: {
      directory: HubDirectory;
      self: HubKey;
      replay: ReplayGuard;
      clock: Clock;
    },
  ) {}

  async verify(
    header: string | undefined,
    body: Uint8Array,
    request: string,
  ): Promise<{ hubId: string; requestId: string }> {
    if (!header) throw new ExchangeHubUnauthenticatedError(`the ${HUB_SIGNATURE_HEADER} header is missing`);
    let issuer: string | undefined;
    try {
      if (decodeProtectedHeader(header).alg !== 'EdDSA') throw new Error('alg');
      issuer = decodeJwt(header).iss;
    } catch {
      throw new ExchangeHubUnauthenticatedError('the request signature is not a signed token');
    }
    const hub = issuer === undefined ? undefined : this.deps.directory.get(issuer);
    if (!hub) throw new ExchangeHubUnauthenticatedError('the request is not from a hub of the directory');
    let payload: { sha256?: unknown; req?: unknown; jti?: string; exp?: number };
    try {
      ({ payload } = await jwtVerify(header, this.keySetOf(hub.hubId), {
        issuer: hub.hubId,
        audience: this.deps.self.hubId,
        algorithms: ['EdDSA'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        maxTokenAge: REQUEST_TTL_SECONDS + CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['jti', 'exp', 'iat'],
        currentDate: this.deps.clock(),
      }));
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (
        code === 'ERR_JWT_EXPIRED' ||
        (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && /iat|age/.test(String((error as Error).message)))
      ) {
        throw new ExchangeReplayError(String(decodeJwt(header).jti ?? '?'), 'outside its time window');
      }
      throw new ExchangeHubUnauthenticatedError(`the request signature does not verify (${code ?? 'error'})`);
    }
    if (payload.req !== request) {
      throw new ExchangeHubUnauthenticatedError('the request signature was made for another request');
    }
    if (payload.sha256 !== sha256Hex(body)) {
      throw new ExchangeHubUnauthenticatedError('the body is not the one the request signature covers');
    }
    this.deps.replay.remember(payload.jti!, hub.hubId, payload.exp!);
    return { hubId: hub.hubId, requestId: payload.jti! };
  }

  private keySetOf(hubId: string): JWTVerifyGetKey {
    let keySet = this.keySets.get(hubId);
    if (!keySet) {
      const keys = this.deps.directory.get(hubId)!.keys;
      if (keys === 'self') {
        if (hubId !== this.deps.self.hubId) {
          throw new ExchangeHubUnauthenticatedError(`hub ${hubId}'s keys are not in this hub's directory`);
        }
        keySet = createLocalJWKSet({ keys: [this.deps.self.publicJwk] });
      } else if ('jwks' in keys) {
        keySet = createLocalJWKSet(keys.jwks as { keys: JWK[] });
      } else {
        keySet = createRemoteJWKSet(new URL(keys.jwksUrl), {
          cooldownDuration: 30_000,
          cacheMaxAge: 600_000,
        });
      }
      this.keySets.set(hubId, keySet);
    }
    return keySet;
  }
}
