import { createHash, createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { ExchangeCredentialsInvalidError } from '../../kernel/errors/index.js';
import { pemCertificates } from './pki/index.js';
import { algorithmForKey, type SignatureMethod } from './signature-algorithms.js';

/** What an organ signs with: its private key and certificate, PEM (`ensureDemoOrganCredentials` gives both). */
export interface SigningCredentials {
  privateKeyPem: string;
  certificatePem: string;
}

/** A signing key ready for use: the key, its SignatureMethod, the certificates KeyInfo carries (base64 DER). */
export interface SigningKey {
  key: KeyObject;
  method: SignatureMethod;
  certificates: string[];
}

/** Signing keys read, by the SHA-256 of the credentials' two PEM texts. */
const signingKeys = new LRUCache<string, SigningKey>({ max: 256 });

/**
 * The key of `credentials`, checked once per pair of PEM texts (readable, an allowed type and size,
 * the certificate's): the hub signs for the organs it serves with the same few pairs.
 */
export function signingKey(credentials: SigningCredentials): SigningKey {
  const cacheKey = createHash('sha256')
    .update(credentials.privateKeyPem)
    .update('\0')
    .update(credentials.certificatePem)
    .digest('hex');
  const known = signingKeys.get(cacheKey);
  if (known) return known;
  let key: KeyObject;
  try {
    key = createPrivateKey(credentials.privateKeyPem);
  } catch {
    throw new ExchangeCredentialsInvalidError('the private key is unreadable');
  }
  const method = algorithmForKey(key);
  if (!method) throw new ExchangeCredentialsInvalidError('the key is neither ECDSA P-256 nor RSA 2048-4096');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(credentials.certificatePem);
  } catch {
    throw new ExchangeCredentialsInvalidError('the certificate is unreadable');
  }
  if (!certificate.checkPrivateKey(key))
    throw new ExchangeCredentialsInvalidError('the certificate is not the key’s');
  const certificates = pemCertificates(credentials.certificatePem).map((pem) =>
    Buffer.from(pem.replace(/-----[^-]+-----|\s+/g, ''), 'base64').toString('base64'),
  );
  const signing = { key, method, certificates };
  signingKeys.set(cacheKey, signing);
  return signing;
}
