import { base64url, CompactSign, type JSONWebKeySet } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ResultSignatureInvalidError } from '../../kernel/errors/index.js';
import { type AgencyKey, agencyKey } from '../../testing/agency-keys.js';
import {
  RESULT_JWS_TYPE,
  type ResultClaims,
  resultClaims,
  signResult,
  verifyResultSignature,
} from './result-signature.js';

const ISSUER = '000.00.00.H26';
const OTHER = '000.04.01.H26';
let issuerKey: AgencyKey;
let otherKey: AgencyKey;
let edKey: AgencyKey;
let registry: Map<string, JSONWebKeySet>;
const keysOf = (issuer: string) => registry.get(issuer) ?? { keys: [] };

const content = Buffer.from('%PDF-1.7 judicial record certificate');
let claims: ResultClaims;

beforeAll(async () => {
  issuerKey = await agencyKey('ES256', `${ISSUER}#k1`);
  otherKey = await agencyKey('ES256', `${OTHER}#k1`);
  edKey = await agencyKey('EdDSA', `${ISSUER}#k2`);
  registry = new Map([
    [ISSUER, { keys: [issuerKey.jwk, edKey.jwk] }],
    [OTHER, { keys: [otherKey.jwk] }],
  ]);
  claims = resultClaims({
    content,
    resultType: 'judicial-record-certificate',
    dossier: 'HS-2026-000200',
    issuer: ISSUER,
    subject: '0123456789abcdef0123456789abcdef',
    issuedAt: '2026-03-01T00:00:00.000Z',
    validUntil: '2026-09-01T00:00:00.000Z',
  });
});

const sign = (c: ResultClaims, key: AgencyKey, alg: 'ES256' | 'EdDSA' = 'ES256') =>
  signResult(c, { privateKey: key.privateKey, kid: key.jwk.kid!, alg });

const rejected = (jws: string, reason: RegExp) =>
  expect(verifyResultSignature(jws, keysOf)).rejects.toSatisfy(
    (e) => e instanceof ResultSignatureInvalidError && reason.test(e.reason),
  );

describe('signed electronic results', () => {
  it("verify against the issuer's JWKS, with ES256 or EdDSA, naming the key", async () => {
    const verified = await verifyResultSignature(await sign(claims, issuerKey), keysOf);
    expect(verified).toEqual({ claims, kid: `${ISSUER}#k1`, alg: 'ES256' });
    const ed = await verifyResultSignature(await sign(claims, edKey, 'EdDSA'), keysOf);
    expect(ed.kid).toBe(`${ISSUER}#k2`);
  });

  it('fail when the content hash, any claim or the signature is changed', async () => {
    const jws = await sign(claims, issuerKey);
    const [header, , signature] = jws.split('.');
    const forged = { ...claims, contentHash: 'f'.repeat(64) };
    const payload = base64url.encode(JSON.stringify(forged));
    await rejected(`${header}.${payload}.${signature}`, /signature does not match/);
    const otherDossier = base64url.encode(JSON.stringify({ ...claims, dossier: 'HS-2026-000201' }));
    await rejected(`${header}.${otherDossier}.${signature}`, /signature does not match/);
    const bytes = base64url.decode(signature!);
    bytes[5]! ^= 0x01;
    await rejected(`${header}.${jws.split('.')[1]}.${base64url.encode(bytes)}`, /signature does not match/);
  });

  it("fail when signed by another agency's key, or by a key the issuer has not registered", async () => {
    // another agency signs claims naming the issuer, under its own kid: the issuer has no such key
    await rejected(await sign(claims, otherKey), /no registered key of the issuer matches/);
    // … or under the issuer's kid: the issuer's key does not verify it
    const impostor = { ...otherKey, jwk: { ...otherKey.jwk, kid: issuerKey.jwk.kid } };
    await rejected(await sign(claims, impostor), /signature does not match/);
    const unregistered = await agencyKey('ES256', `${ISSUER}#k9`);
    await rejected(await sign(claims, unregistered), /no registered key/);
  });

  it('fail for another typ, an algorithm not pinned, a missing kid or claims of another shape', async () => {
    const payload = new TextEncoder().encode(JSON.stringify(claims));
    const withHeader = (header: Record<string, string>) =>
      new CompactSign(payload).setProtectedHeader({ alg: 'ES256', ...header }).sign(issuerKey.privateKey);
    await rejected(await withHeader({ kid: issuerKey.jwk.kid!, typ: 'at+jwt' }), /typ must be/);
    await rejected(await withHeader({ typ: RESULT_JWS_TYPE }), /names no kid|several registered keys/);
    const hmac = await new CompactSign(payload)
      .setProtectedHeader({ alg: 'HS256', kid: issuerKey.jwk.kid!, typ: RESULT_JWS_TYPE })
      .sign(new Uint8Array(32));
    await rejected(hmac, /algorithm not accepted/);
    await rejected(
      await sign({ ...claims, extra: 1 } as ResultClaims, issuerKey),
      /claims \/extra is not allowed/,
    );
    await rejected(
      await sign({ ...claims, validUntil: '2026-02-01T00:00:00.000Z' }, issuerKey),
      /validUntil must be after issuedAt/,
    );
    await rejected('not.a.jws!', /malformed|not a compact JWS|names no issuer/);
    await rejected('a.b', /not a compact JWS/);
  });
});
