import { createPrivateKey } from 'node:crypto';
import path from 'node:path';
import { type Clock, systemClock } from '../../../kernel/clock.js';
import { defaultExchangeCaDir } from '../../../kernel/config.js';
import {
  type CertificateAuthority,
  ensureDemoCa,
  issueOrganCertificate,
  type OrganCredentials,
  type OrganKeyAlgorithm,
} from './ca.js';
import { organCodeOf, readCertificate } from './certificates.js';
import { awaitPair, createPairOnce, type KeyPairFiles, readPair, replacePair } from './files.js';

const DAY_MS = 86_400_000;
/** Demo organ certificates are valid from a day before their issue for ten years. */
const DEMO_CERTIFICATE_YEARS = 10;

/** Where an organ's demo X.509 credentials live: `<dataDir>/demo-keys/<organCode>.x509.key.pem` and `.x509.pem`. */
export const demoX509Files = (dataDir: string, organCode: string): KeyPairFiles => ({
  key: path.join(dataDir, 'demo-keys', `${organCode}.x509.key.pem`),
  certificate: path.join(dataDir, 'demo-keys', `${organCode}.x509.pem`),
});

export interface DemoCredentialOptions {
  /** The demo CA's directory (LIENTHONG_EXCHANGE_CA_DIR); default `<dataDir>/demo-ca`. */
  caDir?: string;
  algorithm?: OrganKeyAlgorithm;
  clock?: Clock;
}

/**
 * An organ's demo signing credentials, issued by the demo CA on first use and kept in the data
 * directory (the key mode 0600); reused on later starts while the certificate still names the organ,
 * chains to the CA of `caDir`, matches the key and is valid, reissued otherwise (as when one of the
 * two files is missing). Only the
 * certificate is ever registered. Not for production organs, whose certificates the government CA issues.
 */
export async function ensureDemoOrganCredentials(
  dataDir: string,
  organ: { organCode: string; name: string },
  options: DemoCredentialOptions = {},
): Promise<OrganCredentials> {
  const clock = options.clock ?? systemClock;
  const ca = await ensureDemoCa(options.caDir ?? defaultExchangeCaDir(dataDir), { clock });
  const files = demoX509Files(dataDir, organ.organCode);
  const stored = await readPair(files);
  // A key without its certificate: another process may be writing them, so wait for it a while.
  const pair = await awaitPair(
    files,
    stored.key !== undefined && stored.certificate === undefined ? 5000 : 0,
  );
  const existing = pair && { privateKeyPem: pair.key, certificatePem: pair.certificate };
  if (existing && usable(existing, ca, organ.organCode, clock())) return existing;
  const now = clock().getTime();
  const issued = await issueOrganCertificate(ca, {
    ...organ,
    algorithm: options.algorithm ?? 'ECDSA-P256',
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + DEMO_CERTIFICATE_YEARS * 365 * DAY_MS),
  });
  if (stored.key === undefined) {
    if (await createPairOnce(files, issued.privateKeyPem, issued.certificatePem)) return issued;
    const written = await awaitPair(files); // created by another process meanwhile
    if (written) return { privateKeyPem: written.key, certificatePem: written.certificate };
  }
  await replacePair(files, issued.privateKeyPem, issued.certificatePem);
  return issued;
}

function usable(stored: OrganCredentials, ca: CertificateAuthority, organCode: string, now: Date): boolean {
  const certificate = readCertificate(stored.certificatePem);
  if (!certificate || organCodeOf(certificate) !== organCode) return false;
  if (now < certificate.notBefore || now > certificate.notAfter) return false;
  const issued =
    certificate.node.checkIssued(ca.certificate.node) &&
    certificate.node.verify(ca.certificate.node.publicKey);
  try {
    return issued && certificate.node.checkPrivateKey(createPrivateKey(stored.privateKeyPem));
  } catch {
    return false;
  }
}
