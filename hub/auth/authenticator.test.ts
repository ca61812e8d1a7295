import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthForbiddenError,
  AuthKeysUnavailableError,
  AuthUnauthenticatedError,
} from '../kernel/errors/index.js';
import { type AgencyKey, AUD, agencyKey, NOW, nowSec } from '../testing/agency-keys.js';
import { type AuthAgency, createAuthenticator } from './authenticator.js';

const CODE = '000.00.01.H01';
const ISS = `urn:lienthong:agency:${CODE}`;

let k1: AgencyKey;
let k2: AgencyKey;
let agency: AuthAgency;
const lookup = (iss: string) => (iss === agency.issuer ? agency : undefined);
const auth = (extra: Partial<Parameters<typeof createAuthenticator>[0]> = {}) =>
  createAuthenticator({
    agencies: lookup,
    audience: AUD,
    now: () => NOW,
    pseudonymizeCitizen: (pid) => createHmac('sha256', 'k').update(pid).digest('hex').slice(0, 32),
    ...extra,
  });

const claims = {
  iss: ISS,
  aud: AUD,
  sub: 'CB-0042',
  jti: 't-1',
  role: 'consumer',
  nbf: nowSec - 60,
  exp: nowSec + 600,
};

function sign(k: AgencyKey, extra: Record<string, unknown> = {}, header: Record<string, unknown> = {}) {
  return new SignJWT({ ...claims, ...extra })
    .setProtectedHeader({ alg: k.jwk.alg!, typ: 'at+jwt', kid: k.jwk.kid!, ...header })
    .sign(k.privateKey);
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
async function rejection(promise: Promise<unknown>) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AuthUnauthenticatedError);
  const e = err as AuthUnauthenticatedError;
  expect(e.status).toBe(401);
  expect(e.headers['www-authenticate']).toMatch(/^Bearer realm="lienthong"/);
  return e.reason;
}

beforeAll(async () => {
  k1 = await agencyKey('ES256', 'k1');
  k2 = await agencyKey('EdDSA', 'k2');
  agency = {
    organCode: CODE,
    issuer: ISS,
    roles: ['consumer', 'citizen-portal'],
    keys: { jwks: { keys: [k1.jwk] } },
    validFrom: '2025-07-01',
    revision: 0,
  };
});

describe('authenticator', () => {
  it('accepts a valid ES256 token and returns the principal', async () => {
    const principal = await auth()(`Bearer ${await sign(k1)}`);
    expect(principal).toEqual({
      agency: CODE,
      role: 'consumer',
      official: 'CB-0042',
      tokenId: 't-1',
      expiresAt: nowSec + 600,
    });
  });

  it('401 without credentials, 401 on a malformed header', async () => {
    const a = auth();
    expect(await rejection(a(undefined))).toMatch(/required/);
    expect(await rejection(a('Basic dXNlcjpwdw=='))).toMatch(/Bearer/);
  });

  it('rejects forged and invalid tokens', async () => {
    const a = auth();
    const good = await sign(k1);
    const [h, p, s] = good.split('.');
    const cases: [string, string | Promise<string>, RegExp][] = [
      ['alg none', `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims)}.`, /algorithm/],
      [
        'HS256 with the public key as secret',
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: 'k1' })
          .sign(new TextEncoder().encode(JSON.stringify(k1.jwk))),
        /algorithm/,
      ],
      ['wrong aud', sign(k1, { aud: 'urn:other' }), /aud/],
      ['wrong typ', sign(k1, {}, { typ: 'JWT' }), /typ/],
      ['expired', sign(k1, { exp: nowSec - 31 }), /expired/],
      ['not yet valid', sign(k1, { nbf: nowSec + 120 }), /not yet valid/],
      ['unknown kid', sign(k1, {}, { kid: 'k9' }), /kid/],
      ['tampered payload', `${h}.${b64({ ...claims, role: 'consumer', sub: 'CB-9999' })}.${s}`, /signature/],
      [
        'signed by another key',
        sign({ ...k2, jwk: { ...k2.jwk, kid: 'k1', alg: 'EdDSA' } }),
        /kid|signature/,
      ],
      ['oversized', `${h}.${'A'.repeat(9000)}.${s}`, /longer/],
      ['no jti', sign(k1, { jti: undefined }), /jti/],
      [
        'wrong iss',
        sign(k1, {}, {}).then((t) => `${t.split('.')[0]}.${b64({ ...claims, iss: 'x' })}.${s}`),
        /issuer/,
      ],
      ['garbage payload', `${h}.${p}x.${s}`, /malformed|signature/],
      ['too long lifetime', sign(k1, { exp: nowSec + 90_000 }), /lifetime/],
    ];
    for (const [name, token, reason] of cases) {
      expect(await rejection(a(`Bearer ${await token}`)), name).toMatch(reason);
    }
  });

  it('rejects a token from an unknown issuer', async () => {
    const token = await sign(k1, { iss: 'urn:lienthong:agency:999.99.99.H99' });
    expect(await rejection(auth()(`Bearer ${token}`))).toMatch(/unknown issuer/);
  });

  it('403 for a role the agency is not registered for; 401 once the agency is retired', async () => {
    await expect(auth()(`Bearer ${await sign(k1, { role: 'inspector' })}`)).rejects.toBeInstanceOf(
      AuthForbiddenError,
    );
    const a = auth();
    const token = `Bearer ${await sign(k1)}`;
    await a(token);
    agency = { ...agency, validUntil: '2026-03-01', revision: 5 };
    try {
      expect(await rejection(a(token))).toMatch(/not in force/);
    } finally {
      agency = { ...agency, validUntil: undefined, revision: 0 };
    }
  });

  it('turns citizen_pid into a pseudonym for citizen-portal tokens and refuses it elsewhere', async () => {
    const a = auth();
    const p = await a(`Bearer ${await sign(k1, { role: 'citizen-portal', citizen_pid: '001203004567' })}`);
    expect(p.citizen).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(p)).not.toContain('001203004567');
    expect(await rejection(a(`Bearer ${await sign(k1, { citizen_pid: '001203004567' })}`))).toMatch(
      /citizen/,
    );
    expect(await rejection(a(`Bearer ${await sign(k1, { role: 'citizen-portal' })}`))).toMatch(/citizen_pid/);
  });

  it('rotates keys by kid: the new key passes, the removed key fails even if cached', async () => {
    const a = auth();
    const old = `Bearer ${await sign(k1)}`;
    await a(old);
    agency = { ...agency, keys: { jwks: { keys: [k1.jwk, k2.jwk] } }, revision: 1 };
    expect((await a(`Bearer ${await sign(k2)}`)).agency).toBe(CODE);
    agency = { ...agency, keys: { jwks: { keys: [k2.jwk] } }, revision: 2 };
    expect(await rejection(a(old))).toMatch(/kid/);
    expect((await a(`Bearer ${await sign(k2)}`)).role).toBe('consumer');
    agency = { ...agency, keys: { jwks: { keys: [k1.jwk] } }, revision: 0 };
  });

  it('caches verified tokens until expiry', async () => {
    let clock = NOW;
    const a = auth({ now: () => clock });
    const token = `Bearer ${await sign(k1)}`;
    const first = await a(token);
    expect(await a(token)).toBe(first);
    clock = new Date((nowSec + 700) * 1000);
    expect(await rejection(a(token))).toMatch(/expired/);
  });
});

describe('remote JWKS', () => {
  let server: http.Server;
  let base: string;
  let served: JWK[];
  /** Answers to /keys/hung.json, held back until the test releases them. */
  const hung: (() => void)[] = [];
  beforeAll(async () => {
    served = [k1.jwk];
    server = http.createServer((req, res) => {
      const answer = () => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: served }));
      };
      if (req.url === '/keys/hung.json') hung.push(answer);
      else answer();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fetches allowlisted URLs, refuses others, and reports a timeout as unavailable', async () => {
    const remote = (path: string) => {
      agency = { ...agency, keys: { jwksUrl: `${base}${path}` }, revision: 10 };
    };
    try {
      remote('/keys/jwks.json');
      const a = auth({ jwksUrlAllowlist: [`${base}/keys/`], remoteJwks: { timeoutMs: 30_000 } });
      expect((await a(`Bearer ${await sign(k1)}`)).agency).toBe(CODE);
      remote('/other/jwks.json');
      expect(await rejection(a(`Bearer ${await sign(k1)}`))).toMatch(/allowlisted/);
      // A server that never answers in time, however fast or slow this machine is.
      remote('/keys/hung.json');
      const hasty = auth({ jwksUrlAllowlist: [`${base}/keys/`], remoteJwks: { timeoutMs: 200 } });
      await expect(hasty(`Bearer ${await sign(k1)}`)).rejects.toBeInstanceOf(AuthKeysUnavailableError);
      expect(hung).toHaveLength(1);
    } finally {
      for (const answer of hung.splice(0)) answer();
      agency = { ...agency, keys: { jwks: { keys: [k1.jwk] } }, revision: 0 };
    }
  });
});
