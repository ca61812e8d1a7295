import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import { type CryptoKey, importJWK, type JWK, SignJWT } from 'jose';
import type { Role } from '../hub/kernel/principal.js';
import { demoKeyFile, ISSUER_PREFIX } from '../hub/modules/agencies/index.js';

/**
 * Demo access tokens, signed with the private halves of the demo agencies' keys that
 * `keys: demo` in an agency file generates (`hub/modules/agencies/local-keys.ts`).
 */

export interface DemoTokenRequest {
  dataDir: string;
  agency: string;
  role: Role;
  official: string;
  audience: string;
  /** Default 900 s. */
  ttlSec?: number;
  /** For citizen-portal tokens: the authenticated citizen's personal ID number. */
  citizenPid?: string;
  /** Default `urn:lienthong:agency:<agency>`. */
  issuer?: string;
  now?: Date;
}

/**
 * A demo agency's signing key as its own systems hold it: the private half in
 * `<dataDir>/demo-keys/<organCode>.jwk` (only the public half is registered with the hub).
 */
export async function demoSigningKey(dataDir: string, organCode: string) {
  const jwk = JSON.parse(await fs.readFile(demoKeyFile(dataDir, organCode), 'utf8')) as JWK;
  const alg = jwk.alg as 'ES256' | 'EdDSA';
  return { privateKey: (await importJWK(jwk, alg)) as CryptoKey, kid: jwk.kid!, alg };
}

/** Signs an access token with the agency's local demo key (what an agency's own IdP would issue). */
export async function mintDemoToken(request: DemoTokenRequest): Promise<string> {
  const { privateKey: key, kid, alg } = await demoSigningKey(request.dataDir, request.agency);
  const iat = Math.floor((request.now ?? new Date()).getTime() / 1000);
  return new SignJWT({
    role: request.role,
    ...(request.citizenPid ? { citizen_pid: request.citizenPid } : {}),
  })
    .setProtectedHeader({ alg, typ: 'at+jwt', kid })
    .setIssuer(request.issuer ?? `${ISSUER_PREFIX}${request.agency}`)
    .setAudience(request.audience)
    .setSubject(request.official)
    .setJti(randomUUID())
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + (request.ttlSec ?? 900))
    .sign(key);
}
