import { webcrypto } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../kernel/clock.js';
import {
  ExchangeDemoCaIncompleteError,
  ExchangeSignatureInvalidError,
  ExchangeTrustAnchorInvalidError,
} from '../../../kernel/errors/index.js';
import { tempDir } from '../../../testing/temp.js';
import {
  checkCertificateChain,
  demoX509Files,
  ensureDemoCa,
  ensureDemoOrganCredentials,
  issueOrganCertificate,
  loadTrustAnchors,
  organCodeOf,
  pemSha256,
  readCertificate,
  readCertificateDer,
  trustAnchorsFromPem,
} from './index.js';
import { x509 } from './x509.js';

const temp = tempDir('lt-pki-');
afterAll(() => temp.remove());

const NOW = new Date('2026-03-01T08:00:00Z');
const clock = fixedClock(NOW.toISOString());
const MPS = { organCode: '000.00.00.G08', name: 'Bộ Công an' };
const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

const refusal = (fn: () => void) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ExchangeSignatureInvalidError) return error.reason;
    throw error;
  }
  return 'accepted';
};

describe('the demo certificate authority', () => {
  it('is created once, key mode 0600, a self-signed P-256 CA that may only sign certificates', async () => {
    const dir = path.join(temp.dir, 'ca');
    const [first, second] = await Promise.all([ensureDemoCa(dir, { clock }), ensureDemoCa(dir, { clock })]);
    expect(second.certificatePem).toBe(first.certificatePem);
    expect(modeOf(path.join(dir, 'ca.key.pem'))).toBe(0o600);
    expect(fs.readdirSync(dir).sort()).toEqual(['ca.key.pem', 'ca.pem']);
    const ca = new x509.X509Certificate(fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8'));
    expect(await ca.isSelfSigned()).toBe(true);
    expect(ca.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(true);
    expect(ca.getExtension(x509.KeyUsagesExtension)?.usages).toBe(
      x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
    );
    expect(ca.publicKey.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });
    expect((await ensureDemoCa(dir)).certificatePem).toBe(first.certificatePem);
  });

  it('refuses a directory holding a certificate without its key', async () => {
    const dir = path.join(temp.dir, 'half');
    await ensureDemoCa(dir, { clock });
    fs.rmSync(path.join(dir, 'ca.key.pem'));
    await expect(ensureDemoCa(dir)).rejects.toThrow(ExchangeDemoCaIncompleteError);
  });
});

describe('organ certificates', () => {
  it('name the organ in the subject, sign documents only, and chain to the CA while valid', async () => {
    const ca = await ensureDemoCa(path.join(temp.dir, 'ca'), { clock });
    const anchors = trustAnchorsFromPem(ca.certificatePem);
    for (const algorithm of ['ECDSA-P256', 'RSA-2048'] as const) {
      const issued = await issueOrganCertificate(ca, {
        ...MPS,
        algorithm,
        notBefore: new Date('2026-01-01T00:00:00Z'),
        notAfter: new Date('2027-01-01T00:00:00Z'),
      });
      expect(issued.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      const certificate = readCertificate(issued.certificatePem)!;
      expect(organCodeOf(certificate)).toBe(MPS.organCode);
      expect(certificate.parsed.subject).toContain('CN=Bộ Công an');
      expect(certificate.node.publicKey.asymmetricKeyType).toBe(algorithm === 'RSA-2048' ? 'rsa' : 'ec');
      expect(certificate.parsed.getExtension(x509.KeyUsagesExtension)?.usages).toBe(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation,
      );
      expect(certificate.node.ca).toBe(false);
      expect(refusal(() => checkCertificateChain(certificate, [], anchors, NOW))).toBe('accepted');
      expect(refusal(() => checkCertificateChain(certificate, [], anchors, new Date('2027-02-01')))).toBe(
        'certificate-expired',
      );
      expect(refusal(() => checkCertificateChain(certificate, [], anchors, new Date('2025-12-01')))).toBe(
        'certificate-not-yet-valid',
      );
    }
  });

  it('do not chain to a CA that did not issue them, nor may a CA certificate sign documents', async () => {
    const ours = await ensureDemoCa(path.join(temp.dir, 'ca'), { clock });
    const theirs = await ensureDemoCa(path.join(temp.dir, 'other-ca'), { clock });
    const period = { notBefore: new Date('2026-01-01'), notAfter: new Date('2027-01-01') };
    const foreign = await issueOrganCertificate(theirs, { ...MPS, ...period, algorithm: 'ECDSA-P256' });
    const anchors = trustAnchorsFromPem(ours.certificatePem);
    const check = (pem: string) =>
      refusal(() => checkCertificateChain(readCertificate(pem)!, [], anchors, NOW));
    expect(check(foreign.certificatePem)).toBe('untrusted-certificate');
    expect(check(ours.certificatePem)).toBe('untrusted-certificate');
  });

  it('are read once by their bytes; a chain found for one anchor set is not taken for another', async () => {
    const ours = await ensureDemoCa(path.join(temp.dir, 'ca'), { clock });
    const theirs = await ensureDemoCa(path.join(temp.dir, 'other-ca'), { clock });
    const period = { notBefore: new Date('2026-01-01'), notAfter: new Date('2027-01-01') };
    const issued = await issueOrganCertificate(ours, { ...MPS, ...period, algorithm: 'ECDSA-P256' });
    const der = readCertificate(issued.certificatePem)!.node.raw;
    const certificate = readCertificateDer(der)!;
    expect(readCertificateDer(Buffer.from(der))).toBe(certificate);
    expect(readCertificateDer(der.subarray(1))).toBeUndefined();
    expect(pemSha256(issued.certificatePem)).toBe(certificate.sha256);
    expect(pemSha256(issued.certificatePem)).toBe(certificate.sha256);
    const mine = trustAnchorsFromPem(ours.certificatePem);
    expect(refusal(() => checkCertificateChain(certificate, [], mine, NOW))).toBe('accepted');
    const other = trustAnchorsFromPem(theirs.certificatePem);
    expect(refusal(() => checkCertificateChain(certificate, [], other, NOW))).toBe('untrusted-certificate');
    expect(refusal(() => checkCertificateChain(certificate, [], mine, new Date('2027-02-01')))).toBe(
      'certificate-expired',
    );
    expect(refusal(() => checkCertificateChain(certificate, [], mine, NOW))).toBe('accepted');
  });

  it('may sign documents with digitalSignature or nonRepudiation, not with another key usage alone', async () => {
    const ca = await ensureDemoCa(path.join(temp.dir, 'ca'), { clock });
    const anchors = trustAnchorsFromPem(ca.certificatePem);
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = (await webcrypto.subtle.generateKey(alg, true, [
      'sign',
      'verify',
    ])) as webcrypto.CryptoKeyPair;
    const outcomeFor = async (usages: x509.KeyUsageFlags) => {
      const certificate = await x509.X509CertificateGenerator.create(
        {
          subject: [{ '2.5.4.5': [MPS.organCode] }],
          issuer: ca.certificate.parsed.subject,
          publicKey: keys.publicKey,
          signingKey: ca.signingKey,
          signingAlgorithm: alg,
          notBefore: new Date('2026-01-01'),
          notAfter: new Date('2027-01-01'),
          extensions: [new x509.KeyUsagesExtension(usages, true)],
        },
        webcrypto as never,
      );
      const read = readCertificate(certificate.toString('pem'))!;
      return refusal(() => checkCertificateChain(read, [], anchors, NOW));
    };
    expect(await outcomeFor(x509.KeyUsageFlags.nonRepudiation)).toBe('accepted');
    expect(await outcomeFor(x509.KeyUsageFlags.digitalSignature)).toBe('accepted');
    expect(await outcomeFor(x509.KeyUsageFlags.keyEncipherment)).toBe('untrusted-certificate');
  });
});

describe('demo organ credentials', () => {
  it('are issued once into demo-keys (key mode 0600) and reused while the CA and the certificate hold', async () => {
    const caDir = path.join(temp.dir, 'ca');
    const first = await ensureDemoOrganCredentials(temp.dir, MPS, { caDir, clock });
    const files = demoX509Files(temp.dir, MPS.organCode);
    expect(files.key).toBe(path.join(temp.dir, 'demo-keys', '000.00.00.G08.x509.key.pem'));
    expect(modeOf(files.key)).toBe(0o600);
    expect(fs.readFileSync(files.certificate, 'utf8')).toBe(first.certificatePem);
    expect(await ensureDemoOrganCredentials(temp.dir, MPS, { caDir, clock })).toEqual(first);
    const c06 = { organCode: '000.06.00.G08', name: 'C06' };
    const [one, two] = await Promise.all([
      ensureDemoOrganCredentials(temp.dir, c06, { caDir, clock }),
      ensureDemoOrganCredentials(temp.dir, c06, { caDir, clock }),
    ]);
    expect(two).toEqual(one);

    const later = fixedClock('2037-01-01T00:00:00Z');
    const renewed = await ensureDemoOrganCredentials(temp.dir, MPS, { caDir, clock: later });
    expect(renewed.certificatePem).not.toBe(first.certificatePem);

    const otherCa = await ensureDemoOrganCredentials(temp.dir, MPS, {
      caDir: path.join(temp.dir, 'other-ca'),
    });
    const anchors = loadTrustAnchors(path.join(temp.dir, 'other-ca', 'ca.pem'));
    const certificate = readCertificate(otherCa.certificatePem)!;
    expect(refusal(() => checkCertificateChain(certificate, [], anchors, new Date()))).toBe('accepted');
  });
});

describe('trust anchors', () => {
  it('are read from a PEM file or a directory of them, CA certificates only', async () => {
    const dir = path.join(temp.dir, 'anchors');
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(temp.dir, 'ca', 'ca.pem'), path.join(dir, 'a.pem'));
    fs.copyFileSync(path.join(temp.dir, 'other-ca', 'ca.pem'), path.join(dir, 'b.crt'));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a certificate');
    expect(loadTrustAnchors(dir)).toHaveLength(2);
    expect(loadTrustAnchors(path.join(dir, 'a.pem'))).toHaveLength(1);

    const organ = demoX509Files(temp.dir, MPS.organCode).certificate;
    expect(() => loadTrustAnchors(organ)).toThrow(ExchangeTrustAnchorInvalidError);
    expect(() => loadTrustAnchors(path.join(dir, 'notes.txt'))).toThrow(/holds no certificate/);
    expect(() => loadTrustAnchors(path.join(temp.dir, 'missing'))).toThrow(/not found/);
  });
});
