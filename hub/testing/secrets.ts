import { generateKeyPairSync, randomBytes } from 'node:crypto';

/** Fresh values for the secrets the production profile requires (LIENTHONG_PSEUDONYM_SECRET, …). */
export function productionSecrets(): {
  LIENTHONG_PSEUDONYM_SECRET: string;
  LIENTHONG_MASTER_KEY: string;
  LIENTHONG_SIGNING_KEY: string;
} {
  return {
    LIENTHONG_PSEUDONYM_SECRET: randomBytes(32).toString('base64'),
    LIENTHONG_MASTER_KEY: randomBytes(32).toString('base64'),
    LIENTHONG_SIGNING_KEY: JSON.stringify(
      generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }),
    ),
  };
}
