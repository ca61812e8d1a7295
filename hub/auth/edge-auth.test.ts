import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventValidator } from '../events/validator.js';
import { AuthUnauthenticatedError } from '../kernel/errors/index.js';
import { type AgencyKey, AUD, agencyKey, NOW, nowSec } from '../testing/agency-keys.js';
import { type AuthAgency, createAuthenticator } from './authenticator.js';
import { claimLimitsFrom } from './claim-limits.js';
import { authPlugin } from './plugin.js';

const ISS = 'urn:lienthong:agency:000.00.01.H01';

const agencyWith = (...keys: AgencyKey[]): AuthAgency => ({
  organCode: '000.00.01.H01',
  issuer: ISS,
  roles: ['consumer'],
  keys: { jwks: { keys: keys.map((k) => k.jwk) } },
  validFrom: '2020-01-01',
  revision: keys.length,
});

function sign(k: AgencyKey, claims: Record<string, unknown> = {}, kid: string | null = k.jwk.kid!) {
  return new SignJWT({ iss: ISS, aud: AUD, sub: 'CB-0042', jti: 't-1', role: 'consumer', ...claims })
    .setProtectedHeader({ alg: k.jwk.alg!, typ: 'at+jwt', ...(kid ? { kid } : {}) })
    .setNotBefore(nowSec - 60)
    .setExpirationTime(nowSec + 600)
    .sign(k.privateKey);
}

const reason = (p: Promise<unknown>) =>
  p.then(
    () => 'accepted',
    (e: unknown) => (e instanceof AuthUnauthenticatedError ? e.reason : `unexpected ${String(e)}`),
  );

let es: AgencyKey;
let ed: AgencyKey;
beforeAll(async () => {
  es = await agencyKey('ES256', 'es-1');
  ed = await agencyKey('EdDSA', 'ed-1');
});

describe('tokens without kid', () => {
  it('are accepted when the agency has one key, refused when it has several (even of different types)', async () => {
    const one = createAuthenticator({ agencies: () => agencyWith(es), audience: AUD, now: () => NOW });
    expect(await reason(one(`Bearer ${await sign(es, {}, null)}`))).toBe('accepted');
    const two = createAuthenticator({ agencies: () => agencyWith(es, ed), audience: AUD, now: () => NOW });
    expect(await reason(two(`Bearer ${await sign(es, {}, null)}`))).toBe(
      'the token names no kid and the agency has several keys',
    );
    expect(await reason(two(`Bearer ${await sign(es)}`))).toBe('accepted');
  });
});

describe('claims the hub records', () => {
  it('reads the longest sub and jti from the event schemas that record the caller', () => {
    const limits = claimLimitsFrom(createEventValidator());
    const schema = createEventValidator().dataSchema('DataAccessDenied')!;
    const caller = schema.$defs.caller.properties;
    expect(limits).toEqual({ official: caller.official.maxLength, tokenId: caller.tokenId.maxLength });
  });

  it('refuses a token whose sub or jti an access record could not hold (401, not a failed append)', async () => {
    const { official, tokenId } = claimLimitsFrom(createEventValidator());
    const auth = createAuthenticator({ agencies: () => agencyWith(es), audience: AUD, now: () => NOW });
    expect(await reason(auth(`Bearer ${await sign(es, { sub: 'o'.repeat(official) })}`))).toBe('accepted');
    expect(await reason(auth(`Bearer ${await sign(es, { sub: 'o'.repeat(official + 1) })}`))).toBe(
      `sub longer than ${official} characters`,
    );
    expect(await reason(auth(`Bearer ${await sign(es, { jti: 'j'.repeat(tokenId + 1) })}`))).toBe(
      `jti longer than ${tokenId} characters`,
    );
  });
});

describe('several Authorization headers', () => {
  const app = Fastify();
  let url: string;
  beforeAll(async () => {
    await app.register(authPlugin, {
      authenticate: async () => ({
        agency: 'a',
        role: 'consumer',
        official: 'o',
        tokenId: 't',
        expiresAt: nowSec + 60,
      }),
    });
    app.get('/who', { config: { agencyAuth: true } }, async (request) => ({
      principal: request.principal?.official ?? null,
    }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/who`;
  });
  afterAll(() => app.close());

  /** Sends raw headers as given (fetch and inject would merge or drop repeated ones). */
  const get = (headers: string[]) =>
    new Promise<{ status: number; body: string; challenge?: string }>((resolve, reject) => {
      const req = http.request(url, { headers: ['Host', 'localhost', ...headers] }, (res) => {
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode!, body, challenge: res.headers['www-authenticate'] }),
        );
      });
      req.on('error', reject);
      req.end();
    });

  it('are refused with 401 whatever their case; one header passes', async () => {
    expect((await get(['Authorization', 'Bearer a.b.c'])).status).toBe(200);
    for (const second of ['Authorization', 'authorization', 'AUTHORIZATION']) {
      const res = await get(['Authorization', 'Bearer a.b.c', second, 'Bearer d.e.f']);
      expect(res.status).toBe(401);
      expect(res.body).toContain('more than one Authorization header');
      expect(res.challenge).toContain('error="invalid_request"');
    }
  });
});
