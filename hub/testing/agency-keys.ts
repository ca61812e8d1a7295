import { exportJWK, generateKeyPair, type JWK } from 'jose';

/** The audience, the clock and the key pairs the authentication tests sign their tokens with. */
export const AUD = 'urn:lienthong:hub';
export const NOW = new Date('2026-03-02T03:00:00Z');
export const nowSec = Math.floor(NOW.getTime() / 1000);

/** An agency's signing key: the private half signs, `jwk` is the public key it registers. */
export type AgencyKey = { privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey']; jwk: JWK };

/** A fresh key pair whose public JWK carries `kid`, `alg` and `use: 'sig'`. */
export async function agencyKey(alg: 'ES256' | 'EdDSA', kid: string): Promise<AgencyKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}
