import { defineError } from './base.js';

// ── Signatures of the document exchange (edXML envelopes, XML-DSig, X.509) ─────────────────────

/**
 * Why a received envelope's signature is refused (hub/modules/exchange/signature.ts):
 * - `malformed`: not well-formed XML, a DOCTYPE, or no edXML header to find the signature in;
 * - `unsigned`: no XML-DSig signature;
 * - `bad-signature`: the signature value does not verify, or its form is not the one allowed
 *   (algorithms, transforms, reference URIs);
 * - `digest-mismatch`: a signed part changed after signing;
 * - `references-incomplete`: the header (or status), body or attachments are not all covered;
 * - `wrapping`: a signed element duplicated, moved, or a reference to an element the reader ignores;
 * - `untrusted-certificate`: missing, unreadable, not issued by a trust anchor, or a broken chain;
 * - `certificate-expired`, `certificate-not-yet-valid`: outside its validity at the instant checked;
 * - `certificate-not-registered`: not among the certificates registered for the sending organ;
 * - `signer-not-sender`: the certificate names another organ than the envelope's `From`.
 */
export const SIGNATURE_REFUSALS = [
  'malformed',
  'unsigned',
  'bad-signature',
  'digest-mismatch',
  'references-incomplete',
  'wrapping',
  'untrusted-certificate',
  'certificate-expired',
  'certificate-not-yet-valid',
  'certificate-not-registered',
  'signer-not-sender',
] as const;
export type SignatureRefusal = (typeof SIGNATURE_REFUSALS)[number];

/**
 * A received envelope's signature is refused: `reason` is what the exchange reports (status 02,
 * rejected); `detail` is for the log only (which reference, which check), never envelope content.
 */
export class ExchangeSignatureInvalidError extends defineError({
  code: 'EXCHANGE_SIGNATURE_INVALID',
  status: 400,
  args: (reason: SignatureRefusal, detail = '') => ({ reason, detail }),
  message: (d) => `envelope signature refused: ${d.reason}${d.detail ? ` (${d.detail})` : ''}`,
  expose: (d) => ({ reason: d.reason }),
}) {}

/** An envelope handed to the signer cannot be signed (no single header, already signed, …). */
export class ExchangeEnvelopeUnsignableError extends defineError({
  code: 'EXCHANGE_ENVELOPE_UNSIGNABLE',
  status: 400,
  args: (reason: string) => ({ reason }),
  message: (d) => `envelope cannot be signed: ${d.reason}`,
}) {}

/** Signing credentials that cannot be used: unreadable PEM, a key type not allowed, key and certificate not a pair. */
export class ExchangeCredentialsInvalidError extends defineError({
  code: 'EXCHANGE_CREDENTIALS_INVALID',
  status: 400,
  args: (reason: string) => ({ reason }),
  message: (d) => `signing credentials: ${d.reason}`,
}) {}

/** A trust-anchor file holds something other than CA certificates, or nothing. */
export class ExchangeTrustAnchorInvalidError extends defineError({
  code: 'EXCHANGE_TRUST_ANCHOR_INVALID',
  status: 500,
  args: (file: string, reason: string) => ({ file, reason }),
  message: (d) => `trust anchors ${d.file}: ${d.reason}`,
}) {}

/**
 * The demo certificate authority's directory holds one of its two files: a certificate without its
 * key, or a key whose certificate never came (a creation cut short). Remove the file left to let
 * the next start create both.
 */
export class ExchangeDemoCaIncompleteError extends defineError({
  code: 'EXCHANGE_DEMO_CA_INCOMPLETE',
  status: 500,
  args: (dir: string, missing: 'ca.pem' | 'ca.key.pem') => ({ dir, missing }),
  message: (d) => `demo certificate authority in ${d.dir} lacks ${d.missing}`,
}) {}
