import { randomBytes } from 'node:crypto';
import {
  ExchangeEnvelopeUnsignableError,
  ExchangeSignatureInvalidError,
  type SignatureRefusal,
} from '../../kernel/errors/index.js';
import { DSIG_NS } from './edxml/index.js';
import {
  type Certificate,
  checkCertificateChain,
  organCodeOf,
  pemSha256,
  readCertificateDer,
  type TrustAnchors,
} from './pki/index.js';
import {
  ALGORITHM_NAMES,
  algorithmForKey,
  EXC_C14N,
  SHA256,
  type SignatureAlgorithmName,
  type SignatureMethod,
  signatureValueOf,
  verifiesSignatureValue,
} from './signature-algorithms.js';
import { canonicalForm, digestOf, statesDigest } from './signature-c14n.js';
import { readSignatureForm, type SignatureForm } from './signature-form.js';
import { type SigningCredentials, signingKey } from './signature-keys.js';
import {
  type EnvelopeParts,
  edxmlChildren,
  elementsOf,
  ID_ATTRIBUTE,
  idAttributeOf,
  locateParts,
  parseXml,
} from './signed-parts.js';
import { serialize, type XmlDocument, type XmlElement } from './xml-dom.js';

export type { SigningCredentials } from './signature-keys.js';

export interface VerificationContext {
  /** CA certificates a signer's certificate must chain to (`loadTrustAnchors`). */
  trustAnchors: TrustAnchors;
  /** The instant the certificates must be valid at: when the envelope was received. */
  at: Date;
  /** The certificates (PEM) registered for an organ: the agency registry's `certificatesOf`. */
  registeredCertificates: (organCode: string) => readonly string[];
}

/** Who signed a verified envelope. */
export interface VerifiedSignature {
  /** The sender: `From/OrganId` of the signed MessageHeader (or Status). */
  organCode: string;
  /** SHA-256 of the signer's certificate (DER), lowercase hex. */
  certificateSha256: string;
  /** End of the signer certificate's validity, ISO 8601. */
  notAfter: string;
  algorithm: SignatureAlgorithmName;
}

const SAFE_ID = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** The elements a signature must cover, in the order their references are written. */
const signedElements = (parts: EnvelopeParts): XmlElement[] =>
  [parts.message, parts.business, parts.body, parts.attachments].filter(
    (e): e is XmlElement => e !== undefined,
  );

/**
 * Signs an edXML envelope: an XML-DSig signature, the last child of `edXMLHeader`, whose references
 * (by `Id`, added where missing) cover the MessageHeader (or Status), the business part
 * (`TraceHeaderList/Bussiness`), the body and the encoded attachments when present — never the trace
 * entries, which every hub on the way appends. Exclusive
 * canonicalization, SHA-256 digests, ECDSA P-256 or RSA with SHA-256 by the key's type, the
 * certificate in KeyInfo. Throws ExchangeCredentialsInvalidError or ExchangeEnvelopeUnsignableError.
 *
 * The envelope is parsed once; each part is canonicalized where it stands and digested, SignedInfo
 * built in the document, canonicalized and signed (xml-crypto's canonicalization, so the signature is
 * the one its SignedXml would compute and check), and the document written back.
 */
export function signEnvelope(xml: string, credentials: SigningCredentials): string {
  const signer = signingKey(credentials);
  const doc = parseXml(xml);
  if (!doc) throw new ExchangeEnvelopeUnsignableError('not well-formed XML, or it has a DOCTYPE');
  const located = locateParts(doc);
  if ('problem' in located) throw new ExchangeEnvelopeUnsignableError(located.detail);
  if (located.parts.signatures.length > 0) throw new ExchangeEnvelopeUnsignableError('already signed');
  const suffix = randomBytes(4).toString('hex');
  const elements = signedElements(located.parts);
  const ids = elements.map((element) => {
    const existing = idAttributeOf(element)?.value;
    if (existing === undefined) return `${element.localName}-${suffix}`;
    if (!SAFE_ID.test(existing))
      throw new ExchangeEnvelopeUnsignableError(`${element.localName} has an Id that is not a name`);
    return existing;
  });
  const named = idCounts(doc);
  elements.forEach((element, i) => {
    if (idAttributeOf(element)) {
      if (named.get(ids[i]!)! > 1)
        throw new ExchangeEnvelopeUnsignableError(`${element.localName}'s Id names other elements too`);
    } else element.setAttribute(ID_ATTRIBUTE, ids[i]!);
  });
  const signature = dsig(doc, located.parts.header, 'Signature');
  signature.setAttribute('xmlns', DSIG_NS);
  const signedInfo = dsig(doc, signature, 'SignedInfo');
  dsig(doc, signedInfo, 'CanonicalizationMethod').setAttribute('Algorithm', EXC_C14N);
  dsig(doc, signedInfo, 'SignatureMethod').setAttribute('Algorithm', signer.method);
  elements.forEach((element, i) => {
    const reference = dsig(doc, signedInfo, 'Reference');
    reference.setAttribute('URI', `#${ids[i]}`);
    dsig(doc, dsig(doc, reference, 'Transforms'), 'Transform').setAttribute('Algorithm', EXC_C14N);
    dsig(doc, reference, 'DigestMethod').setAttribute('Algorithm', SHA256);
    dsig(doc, reference, 'DigestValue', digestOf(canonicalOrUnsignable(element)));
  });
  const value = signatureValueOf(canonicalOrUnsignable(signedInfo), signer.key, signer.method);
  dsig(doc, signature, 'SignatureValue', value.toString('base64'));
  const x509Data = dsig(doc, dsig(doc, signature, 'KeyInfo'), 'X509Data');
  for (const certificate of signer.certificates) dsig(doc, x509Data, 'X509Certificate', certificate);
  return serialize(doc);
}

const canonicalOrUnsignable = (element: XmlElement): string =>
  canonicalForm(element) ??
  (() => {
    throw new ExchangeEnvelopeUnsignableError(`${element.localName} cannot be canonicalized`);
  })();

/** How many elements of the document carry each `Id`. */
function idCounts(doc: XmlDocument): Map<string, number> {
  const counts = new Map<string, number>();
  for (const element of elementsOf(doc)) {
    const id = idAttributeOf(element)?.value;
    if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** An XML-DSig element `name` appended to `parent` (in the default namespace the Signature declares), with its text if any. */
function dsig(doc: XmlDocument, parent: XmlElement, name: string, text?: string): XmlElement {
  const element = doc.createElementNS(DSIG_NS, name);
  if (text !== undefined) element.appendChild(doc.createTextNode(text));
  parent.appendChild(element);
  return element;
}

const refuse = (reason: SignatureRefusal, detail?: string): never => {
  throw new ExchangeSignatureInvalidError(reason, detail);
};

/**
 * Verifies a received envelope's signature and says who signed it, or throws
 * ExchangeSignatureInvalidError with the reason (see SIGNATURE_REFUSALS). In order: the structure
 * (one of each signed part, each where a reader looks for it, one signature in edXMLHeader), the
 * signature's form, that the references cover exactly the parts, the digests and the signature
 * value (with the key of the certificate in KeyInfo), the sender read from the signed header, then
 * the certificate: its chain to a trust anchor and validity at `at`, the organ it names, its
 * registration for the sender.
 *
 * The envelope is parsed once; each digest is computed over the very element located as the signed
 * part (xml-crypto's canonicalization), the signature value over SignedInfo's canonical form.
 */
export function verifyEnvelope(xml: string, context: VerificationContext): VerifiedSignature {
  const doc = parseXml(xml) ?? refuse('malformed', 'not well-formed XML, or it has a DOCTYPE');
  const located = locateParts(doc);
  if ('problem' in located) return refuse(located.problem, located.detail);
  const { parts } = located;
  const [signature, ...others] = parts.signatures;
  if (!signature) return refuse('unsigned');
  if (others.length > 0 || signature.parentNode !== parts.header)
    refuse('wrapping', 'a signature out of place or more than one');
  const form = readSignatureForm(signature);
  const covered = coveredParts(doc, parts, form);
  const [signer, ...intermediates] = form.certificates.map(
    (der) => readCertificateDer(der) ?? refuse('untrusted-certificate', 'unreadable certificate in KeyInfo'),
  );
  if (!signer) return refuse('untrusted-certificate', 'no certificate in KeyInfo');
  const keyAlgorithm = algorithmForKey(signer.publicKey);
  if (!keyAlgorithm) return refuse('untrusted-certificate', 'key type or size not allowed');
  if (keyAlgorithm !== form.algorithm) refuse('bad-signature', 'signature method does not fit the key');
  const message = checkCryptography(form, covered, signer, keyAlgorithm)[covered.indexOf(parts.message)]!;
  const organCode = senderOf(message);
  checkCertificateChain(signer, intermediates, context.trustAnchors, context.at);
  if (organCodeOf(signer) !== organCode) refuse('signer-not-sender');
  const registered = context
    .registeredCertificates(organCode)
    .some((pem) => pemSha256(pem) === signer.sha256);
  if (!registered) refuse('certificate-not-registered');
  return {
    organCode,
    certificateSha256: signer.sha256,
    notAfter: signer.notAfter.toISOString(),
    algorithm: ALGORITHM_NAMES[form.algorithm]!,
  };
}

/**
 * The part each reference covers, in reference order. Every reference must name exactly one element
 * of the document and that element must be a signed part (else `wrapping`); every signed part must
 * be covered (else `references-incomplete`).
 */
function coveredParts(doc: XmlDocument, parts: EnvelopeParts, form: SignatureForm): XmlElement[] {
  const wanted = signedElements(parts);
  const ids = new Set(form.references.map((r) => r.id));
  const byId = new Map<string, XmlElement[]>();
  for (const element of elementsOf(doc)) {
    const id = idAttributeOf(element)?.value;
    if (id !== undefined && ids.has(id)) byId.set(id, [...(byId.get(id) ?? []), element]);
  }
  const covered = form.references.map(({ id }) => {
    const [element, ...more] = byId.get(id) ?? [];
    if (!element) return refuse('references-incomplete', 'a reference names no element');
    if (more.length > 0) return refuse('wrapping', 'an Id names several elements');
    if (!wanted.includes(element)) return refuse('wrapping', `a reference covers ${element.localName}`);
    return element;
  });
  const missing = wanted.find((element) => !covered.includes(element));
  if (missing) refuse('references-incomplete', `${missing.localName} is not covered`);
  return covered;
}

/**
 * Checks, as XML-DSig core validation does, each reference's digest over the element it covers
 * (`digest-mismatch`), then the signature value over SignedInfo's canonical form with the signer's
 * key (`bad-signature`). Returns the canonical form of each covered element, in reference order.
 */
function checkCryptography(
  form: SignatureForm,
  covered: readonly XmlElement[],
  signer: Certificate,
  method: SignatureMethod,
): string[] {
  if (form.references.some((r) => r.digestValue === ''))
    refuse('bad-signature', 'a reference states no digest');
  const canonical = covered.map((element, i) => {
    const text = canonicalForm(element) ?? refuse('bad-signature', 'a signed part cannot be canonicalized');
    if (!statesDigest(form.references[i]!.digestValue, digestOf(text)))
      refuse('digest-mismatch', 'a signed part changed');
    return text;
  });
  const signedInfo =
    canonicalForm(form.signedInfo) ?? refuse('bad-signature', 'SignedInfo cannot be canonicalized');
  const value = Buffer.from(form.signatureValue, 'base64');
  if (!verifiesSignatureValue(signedInfo, signer.publicKey, method, value))
    refuse('bad-signature', 'the signature value does not verify');
  return canonical;
}

/** The sender named by the signed MessageHeader (or Status): its one `From/OrganId`. */
function senderOf(canonicalMessage: string): string {
  const root = parseXml(canonicalMessage)?.documentElement;
  const [from, ...otherFroms] = root ? edxmlChildren(root, 'From') : [];
  const [organId, ...otherIds] = from ? edxmlChildren(from, 'OrganId') : [];
  const code = organId?.textContent?.trim();
  if (!code || otherFroms.length > 0 || otherIds.length > 0)
    return refuse('malformed', 'the signed header names no single sender');
  return code;
}
