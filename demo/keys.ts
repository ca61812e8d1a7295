import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import type { Role } from '../hub/auth/principal.js';
import { ISSUER_PREFIX } from '../hub/modules/agencies/events.js';

/**
 * Demo signing keys. Private parts live only in `<dataDir>/demo-keys/<organCode>.jwk` (mode 0600),
 * generated on first use; the registry holds only the public halves. Not for production agencies,
 * which register their own public JWKS.
 */
export const demoKeyFile = (dataDir: string, organCode: string) =>
  path.join(dataDir, 'demo-keys', `${organCode}.jwk`);

const PUBLIC_MEMBERS = ['kty', 'crv', 'x', 'y', 'kid', 'alg'] as const;

export const publicJwk = (jwk: JWK): JWK => ({
  ...Object.fromEntries(PUBLIC_MEMBERS.filter((k) => jwk[k] !== undefined).map((k) => [k, jwk[k]])),
  use: 'sig',
});

/** Returns the agency's demo public key, generating and saving the key pair when missing. */
export async function ensureDemoKey(dataDir: string, organCode: string, alg: 'ES256' | 'EdDSA' = 'ES256') {
  const file = demoKeyFile(dataDir, organCode);
  try {
    return publicJwk(JSON.parse(await fs.readFile(file, 'utf8')) as JWK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = `${organCode}#${(await calculateJwkThumbprint(jwk)).slice(0, 16)}`;
  const full: JWK = { ...jwk, kid, alg };
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    await fs.writeFile(file, `${JSON.stringify(full)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return publicJwk(JSON.parse(await fs.readFile(file, 'utf8')) as JWK);
  }
  return publicJwk(full);
}

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

/** Signs an access token with the agency's local demo key (what an agency's own IdP would issue). */
export async function mintDemoToken(request: DemoTokenRequest): Promise<string> {
  const jwk = JSON.parse(await fs.readFile(demoKeyFile(request.dataDir, request.agency), 'utf8')) as JWK;
  const key = await importJWK(jwk, jwk.alg);
  const iat = Math.floor((request.now ?? new Date()).getTime() / 1000);
  return new SignJWT({
    role: request.role,
    ...(request.citizenPid ? { citizen_pid: request.citizenPid } : {}),
  })
    .setProtectedHeader({ alg: jwk.alg!, typ: 'at+jwt', kid: jwk.kid! })
    .setIssuer(request.issuer ?? `${ISSUER_PREFIX}${request.agency}`)
    .setAudience(request.audience)
    .setSubject(request.official)
    .setJti(randomUUID())
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + (request.ttlSec ?? 900))
    .sign(key);
}
