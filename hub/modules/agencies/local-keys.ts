import fs from 'node:fs/promises';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

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
