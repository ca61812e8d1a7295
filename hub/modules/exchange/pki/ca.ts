import { createPrivateKey, webcrypto } from 'node:crypto';
import path from 'node:path';
import { type Clock, systemClock } from '../../../kernel/clock.js';
import { ExchangeDemoCaIncompleteError } from '../../../kernel/errors/index.js';
import { type Certificate, ORGAN_CODE_ATTRIBUTE, readCertificate } from './certificates.js';
import { awaitPair, createPairOnce, type KeyPairFiles, readPair } from './files.js';
import { x509 } from './x509.js';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const subtle = webcrypto.subtle;
/** @peculiar/x509 is handed Node's WebCrypto explicitly (no process-wide provider is set). */
const provider = webcrypto as unknown as Parameters<typeof x509.X509CertificateGenerator.create>[1];

const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const RSA_2048 = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
} as const;

/** Key types an organ's certificate may be issued for. */
export type OrganKeyAlgorithm = 'ECDSA-P256' | 'RSA-2048';

/** A certificate authority able to issue: its certificate and the key that signs what it issues. */
export interface CertificateAuthority {
  certificatePem: string;
  certificate: Certificate;
  signingKey: CryptoKey;
}

/** What an organ signs envelopes with: its private key (PKCS#8) and certificate, both PEM. */
export interface OrganCredentials {
  privateKeyPem: string;
  certificatePem: string;
}

export interface OrganCertificateRequest {
  /** Written into the subject as `serialNumber` (ORGAN_CODE_ATTRIBUTE), where verifiers read it. */
  organCode: string;
  /** The organ's name: the subject's common name. */
  name: string;
  notBefore: Date;
  notAfter: Date;
  algorithm: OrganKeyAlgorithm;
}

const DAY_MS = 86_400_000;
/** The demo CA is valid from a day before its creation (clocks of hubs differ) for twenty years. */
const DEMO_CA_YEARS = 20;
const CA_NAME: x509.JsonName = [
  { CN: ['Lienthong demo certificate authority'] },
  { O: ['Lienthong (demo)'] },
  { C: ['VN'] },
];

/** The demo CA's files in its directory: `ca.key.pem` (mode 0600) and `ca.pem`. */
export const demoCaFiles = (dir: string): KeyPairFiles => ({
  key: path.join(dir, 'ca.key.pem'),
  certificate: path.join(dir, 'ca.pem'),
});

/**
 * The demo certificate authority of `dir`, created at first use: a self-signed ECDSA P-256
 * certificate (basic constraints CA, key usage keyCertSign and cRLSign) and its key. Several hubs
 * may share the directory and start together: one creates it, the others wait for its certificate
 * (ExchangeDemoCaIncompleteError when one file is there without the other).
 * Not for production, where organs hold certificates of the government CA.
 */
export async function ensureDemoCa(
  dir: string,
  options: { clock?: Clock } = {},
): Promise<CertificateAuthority> {
  const files = demoCaFiles(dir);
  const existing = await readPair(files);
  if (existing.certificate !== undefined) {
    if (existing.key === undefined) throw new ExchangeDemoCaIncompleteError(dir, 'ca.key.pem');
    return loadCa(existing.key, existing.certificate, dir);
  }
  const now = (options.clock ?? systemClock)();
  const keys = (await subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      name: CA_NAME,
      keys,
      signingAlgorithm: ECDSA_P256,
      notBefore: new Date(now.getTime() - DAY_MS),
      notAfter: new Date(now.getTime() + DEMO_CA_YEARS * 365 * DAY_MS),
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, provider),
      ],
    },
    provider,
  );
  const keyPem = await privateKeyPem(keys.privateKey);
  if (await createPairOnce(files, keyPem, certificate.toString('pem')))
    return loadCa(keyPem, certificate.toString('pem'), dir);
  const pair = await awaitPair(files);
  if (!pair) throw new ExchangeDemoCaIncompleteError(dir, 'ca.pem');
  return loadCa(pair.key, pair.certificate, dir);
}

async function loadCa(keyPem: string, certificatePem: string, dir: string): Promise<CertificateAuthority> {
  const certificate = readCertificate(certificatePem);
  if (!certificate) throw new ExchangeDemoCaIncompleteError(dir, 'ca.pem');
  const der = createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'der' });
  const signingKey = await subtle.importKey('pkcs8', der, ECDSA_P256, false, ['sign']);
  return { certificatePem, certificate, signingKey };
}

/**
 * Issues an organ a key pair and a certificate signed by `ca`: subject `C=VN, CN=<name>,
 * serialNumber=<organCode>`, key usage digitalSignature and nonRepudiation, not a CA.
 */
export async function issueOrganCertificate(
  ca: CertificateAuthority,
  request: OrganCertificateRequest,
): Promise<OrganCredentials> {
  const algorithm = request.algorithm === 'RSA-2048' ? RSA_2048 : ECDSA_P256;
  const keys = (await subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.create(
    {
      subject: [{ C: ['VN'] }, { CN: [request.name] }, { [ORGAN_CODE_ATTRIBUTE]: [request.organCode] }],
      issuer: ca.certificate.parsed.subject,
      publicKey: keys.publicKey,
      signingKey: ca.signingKey,
      signingAlgorithm: ECDSA_P256,
      notBefore: request.notBefore,
      notAfter: request.notAfter,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, provider),
        await x509.AuthorityKeyIdentifierExtension.create(ca.certificate.parsed.publicKey, false, provider),
      ],
    },
    provider,
  );
  return { privateKeyPem: await privateKeyPem(keys.privateKey), certificatePem: certificate.toString('pem') };
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  return `${x509.PemConverter.encode(await subtle.exportKey('pkcs8', key), 'PRIVATE KEY')}\n`;
}
