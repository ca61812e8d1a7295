import { createHash, type KeyObject, X509Certificate as NodeCertificate } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { ExchangeSignatureInvalidError } from '../../../kernel/errors/index.js';
import { x509 } from './x509.js';

/** OID of the subject attribute that holds an organ's code in its certificate: `serialNumber`. */
export const ORGAN_CODE_ATTRIBUTE = '2.5.4.5';

/** Issuers between a signer's certificate and a trust anchor, at most. */
const MAX_INTERMEDIATES = 3;

/**
 * A certificate read once for every check: Node's reading verifies signatures and gives the key;
 * @peculiar/x509's gives the subject's attributes and the extensions.
 */
export interface Certificate {
  /** PEM, as read or as re-encoded from DER. */
  pem: string;
  /** SHA-256 of the DER, lowercase hex: how registered certificates are compared. */
  sha256: string;
  node: NodeCertificate;
  parsed: x509.X509Certificate;
  /** The subject's public key (`node.publicKey`, which builds a new key object at every read). */
  publicKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
}

/** CA certificates whose certificates signatures are accepted from. */
export type TrustAnchors = readonly Certificate[];

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The PEM certificates in a text, in order. */
export const pemCertificates = (text: string): string[] => text.match(PEM_CERTIFICATE) ?? [];

/** How many certificates, chains and PEM digests the caches below keep (least recently used dropped). */
const CACHED = 1024;
const sha256Hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const pemDigests = new LRUCache<string, string>({ max: CACHED });

/**
 * SHA-256 of the DER of a PEM certificate (its first), lowercase hex, without parsing it; undefined
 * for no PEM. Remembered by the PEM text: the registered certificates of a sender are compared with
 * every envelope it sends.
 */
export function pemSha256(pem: string): string | undefined {
  const known = pemDigests.get(pem);
  if (known !== undefined) return known;
  const body = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(pem)?.[1];
  if (body === undefined) return undefined;
  const digest = sha256Hex(Buffer.from(body, 'base64'));
  pemDigests.set(pem, digest);
  return digest;
}

/** Reads a certificate from PEM or DER; undefined when it is not one. */
export function readCertificate(input: string | Buffer): Certificate | undefined {
  try {
    const node = new NodeCertificate(input);
    const parsed = new x509.X509Certificate(node.raw);
    return {
      pem: parsed.toString('pem'),
      sha256: sha256Hex(node.raw),
      node,
      parsed,
      publicKey: node.publicKey,
      notBefore: parsed.notBefore,
      notAfter: parsed.notAfter,
    };
  } catch {
    return undefined;
  }
}

const byDer = new LRUCache<string, Certificate>({ max: CACHED });

/**
 * `readCertificate` of DER bytes, remembered by their SHA-256: the certificates in KeyInfo are read
 * once per signer, not once per envelope (reading one costs far more than verifying a signature).
 * A certificate is immutable, its reading the same whenever it is read; what depends on the instant
 * (validity) is checked at every use.
 */
export function readCertificateDer(der: Buffer): Certificate | undefined {
  const key = sha256Hex(der);
  const known = byDer.get(key);
  if (known) return known;
  const certificate = readCertificate(der);
  if (certificate) byDer.set(key, certificate);
  return certificate;
}

/** The organ code the certificate's subject names (its one `serialNumber`), if any. */
export function organCodeOf(certificate: Certificate): string | undefined {
  const values = certificate.parsed.subjectName.getField(ORGAN_CODE_ATTRIBUTE);
  return values.length === 1 ? values[0] : undefined;
}

/** Whether the key usage extension, when present, allows `usage` (one of its bits at least). */
export function allowsUsage(certificate: Certificate, usage: x509.KeyUsageFlags): boolean {
  const extension = certificate.parsed.getExtension(x509.KeyUsagesExtension);
  return extension === null || (extension.usages & usage) !== 0;
}

/** A certificate authority's certificate: basic constraints CA, and allowed to sign certificates. */
export const isIssuerCertificate = (certificate: Certificate): boolean =>
  certificate.node.ca && allowsUsage(certificate, x509.KeyUsageFlags.keyCertSign);

const issuedBy = (child: Certificate, issuer: Certificate): boolean =>
  child.node.checkIssued(issuer.node) && child.node.verify(issuer.publicKey);

/**
 * Checks that `signer` signs documents (not a CA; key usage, when stated, digitalSignature or
 * nonRepudiation, which certificates for signed documents often carry alone), chains to one of `anchors` through at most three of
 * `intermediates` (each a CA allowed to sign certificates, each signature verified), and that every
 * certificate of the chain is valid at `at`. Throws ExchangeSignatureInvalidError with reason
 * `untrusted-certificate`, `certificate-expired` or `certificate-not-yet-valid`.
 */
export function checkCertificateChain(
  signer: Certificate,
  intermediates: readonly Certificate[],
  anchors: TrustAnchors,
  at: Date,
): void {
  checkValidity(chainOf(signer, intermediates, anchors), at);
}

/** Chains found, by trust-anchor set (dropped with it), then by the certificates' digests. */
const chains = new WeakMap<TrustAnchors, LRUCache<string, readonly Certificate[]>>();

/**
 * The chain from `signer` to an anchor (the anchor last), remembered per anchor set and per signer
 * and intermediates (by their digests, in order): which certificate issued which and with what
 * signature does not change, so the search and its signature checks run once; only a chain found is
 * remembered. Throws ExchangeSignatureInvalidError `untrusted-certificate`.
 */
function chainOf(
  signer: Certificate,
  intermediates: readonly Certificate[],
  anchors: TrustAnchors,
): readonly Certificate[] {
  let known = chains.get(anchors);
  if (!known) {
    known = new LRUCache({ max: CACHED });
    chains.set(anchors, known);
  }
  const key = [signer, ...intermediates].map((c) => c.sha256).join(' ');
  const cached = known.get(key);
  if (cached) return cached;
  const chain = findChain(signer, intermediates, anchors);
  known.set(key, chain);
  return chain;
}

function findChain(
  signer: Certificate,
  intermediates: readonly Certificate[],
  anchors: TrustAnchors,
): readonly Certificate[] {
  const signs = x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation;
  if (signer.node.ca || !allowsUsage(signer, signs)) {
    throw new ExchangeSignatureInvalidError('untrusted-certificate', 'not a document-signing certificate');
  }
  const chain = [signer];
  for (let current = signer; chain.length <= MAX_INTERMEDIATES + 1; ) {
    const anchor = anchors.find((a) => issuedBy(current, a));
    if (anchor) return [...chain, anchor];
    const next = intermediates.find(
      (c) => !chain.includes(c) && isIssuerCertificate(c) && issuedBy(current, c),
    );
    if (!next) break;
    chain.push(next);
    current = next;
  }
  throw new ExchangeSignatureInvalidError('untrusted-certificate', 'no chain to a trust anchor');
}

function checkValidity(chain: readonly Certificate[], at: Date): void {
  for (const [position, certificate] of chain.entries()) {
    const which = position === 0 ? 'signer' : `issuer ${position}`;
    if (at < certificate.notBefore)
      throw new ExchangeSignatureInvalidError('certificate-not-yet-valid', which);
    if (at > certificate.notAfter) throw new ExchangeSignatureInvalidError('certificate-expired', which);
  }
}
