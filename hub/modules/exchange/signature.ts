import { createPrivateKey, type KeyObject, randomBytes, X509Certificate } from 'node:crypto';
import { ExclusiveCanonicalization } from 'xml-crypto';
import {
  ExchangeCredentialsInvalidError,
  ExchangeEnvelopeUnsignableError,
  ExchangeSignatureInvalidError,
  type SignatureRefusal,
} from '../../kernel/errors/index.js';
import { EDXML_NS } from './edxml/index.js';
import {
  type Certificate,
  checkCertificateChain,
  organCodeOf,
  pemSha256,
  readCertificate,
  type TrustAnchors,
} from './pki/index.js';
import {
  ALGORITHM_NAMES,
  algorithmForKey,
  EXC_C14N,
  newSignedXml,
  SHA256,
  type SignatureAlgorithmName,
} from './signature-algorithms.js';
import { readSignatureForm, type SignatureForm } from './signature-form.js';
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

/** What an organ signs with: its private key and certificate, PEM (`ensureDemoOrganCredentials` gives both). */
export interface SigningCredentials {
  privateKeyPem: string;
  certificatePem: string;
}

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

/** The DOM node type xml-crypto's declarations name; xmldom's nodes are such objects (see xml-dom.ts). */
type DomNode = Parameters<ExclusiveCanonicalization['process']>[0];
const asDomNode = (element: XmlElement) => element as unknown as DomNode;

const SAFE_ID = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const HEADER_XPATH = `//*[local-name(.)='edXMLHeader' and (namespace-uri(.)='${EDXML_NS}' or namespace-uri(.)='')]`;

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
 */
export function signEnvelope(xml: string, credentials: SigningCredentials): string {
  const { key, algorithm } = signingKey(credentials);
  const doc = parseXml(xml);
  if (!doc) throw new ExchangeEnvelopeUnsignableError('not well-formed XML, or it has a DOCTYPE');
  const located = locateParts(doc);
  if ('problem' in located) throw new ExchangeEnvelopeUnsignableError(located.detail);
  if (located.parts.signatures.length > 0) throw new ExchangeEnvelopeUnsignableError('already signed');
  const suffix = randomBytes(4).toString('hex');
  const references = signedElements(located.parts).map((element) => {
    const existing = idAttributeOf(element)?.value;
    if (existing !== undefined && !SAFE_ID.test(existing))
      throw new ExchangeEnvelopeUnsignableError(`${element.localName} has an Id that is not a name`);
    const id = existing ?? `${element.localName}-${suffix}`;
    if (existing === undefined) element.setAttribute(ID_ATTRIBUTE, id);
    else if (elementsOf(doc).filter((e) => idAttributeOf(e)?.value === id).length > 1)
      throw new ExchangeEnvelopeUnsignableError(`${element.localName}'s Id names other elements too`);
    return `//*[@*[local-name(.)='${ID_ATTRIBUTE}']='${id}']`;
  });
  const signer = newSignedXml();
  signer.privateKey = key;
  signer.publicCert = credentials.certificatePem;
  signer.signatureAlgorithm = algorithm;
  for (const xpath of references)
    signer.addReference({ xpath, transforms: [EXC_C14N], digestAlgorithm: SHA256 });
  signer.computeSignature(serialize(doc), {
    location: { reference: HEADER_XPATH, action: 'append' },
  });
  return signer.getSignedXml();
}

function signingKey(credentials: SigningCredentials): { key: KeyObject; algorithm: string } {
  let key: KeyObject;
  try {
    key = createPrivateKey(credentials.privateKeyPem);
  } catch {
    throw new ExchangeCredentialsInvalidError('the private key is unreadable');
  }
  const algorithm = algorithmForKey(key);
  if (!algorithm)
    throw new ExchangeCredentialsInvalidError('the key is neither ECDSA P-256 nor RSA 2048-4096');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(credentials.certificatePem);
  } catch {
    throw new ExchangeCredentialsInvalidError('the certificate is unreadable');
  }
  if (!certificate.checkPrivateKey(key))
    throw new ExchangeCredentialsInvalidError('the certificate is not the key’s');
  return { key, algorithm };
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
    (der) => readCertificate(der) ?? refuse('untrusted-certificate', 'unreadable certificate in KeyInfo'),
  );
  if (!signer) return refuse('untrusted-certificate', 'no certificate in KeyInfo');
  const keyAlgorithm = algorithmForKey(signer.node.publicKey);
  if (!keyAlgorithm) refuse('untrusted-certificate', 'key type or size not allowed');
  if (keyAlgorithm !== form.algorithm) refuse('bad-signature', 'signature method does not fit the key');
  const signed = checkCryptography(xml, signature, signer);
  const message = signed[covered.indexOf(parts.message)]!;
  signed.forEach((canonical, i) => {
    if (canonical !== new ExclusiveCanonicalization().process(asDomNode(covered[i]!), {}))
      refuse('wrapping', 'the signed element is not the one read');
  });
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
  const byId = new Map<string, XmlElement[]>();
  for (const element of elementsOf(doc)) {
    const id = idAttributeOf(element)?.value;
    if (id !== undefined) byId.set(id, [...(byId.get(id) ?? []), element]);
  }
  const wanted = signedElements(parts);
  const covered = form.referenceIds.map((id) => {
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

/** Checks digests and signature value with the signer's key; returns the canonical XML of each reference. */
function checkCryptography(xml: string, signature: XmlElement, signer: Certificate): string[] {
  const verifier = newSignedXml();
  verifier.publicCert = signer.node.publicKey;
  let valid: boolean;
  try {
    verifier.loadSignature(asDomNode(signature));
    valid = verifier.checkSignature(xml);
  } catch {
    return refuse('bad-signature', 'the signature value does not verify');
  }
  if (!valid) return refuse('digest-mismatch', 'a signed part changed');
  return verifier.getSignedReferences();
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
