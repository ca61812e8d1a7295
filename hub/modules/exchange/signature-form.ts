import { ExchangeSignatureInvalidError } from '../../kernel/errors/index.js';
import { DSIG_NS } from './edxml/index.js';
import { ALGORITHM_NAMES, EXC_C14N, SHA256 } from './signature-algorithms.js';
import { childrenNamed, elementChildren } from './signed-parts.js';
import type { XmlElement } from './xml-dom.js';

/** A reference of a received signature: the element it names and the digest it states. */
export interface SignatureReference {
  /** The `#id` it names, without `#`. */
  id: string;
  /** The DigestValue's text (base64 of a SHA-256 digest; read leniently, as xml-crypto reads it). */
  digestValue: string;
}

/** What a received signature states, once its form has been checked. */
export interface SignatureForm {
  /** The SignedInfo element: its exclusive canonical form is what SignatureValue signs. */
  signedInfo: XmlElement;
  /** SignatureMethod URI: ECDSA_SHA256 or RSA_SHA256. */
  algorithm: string;
  /** The references, in order. */
  references: SignatureReference[];
  /** SignatureValue's text (base64). */
  signatureValue: string;
  /** DER of each KeyInfo/X509Data/X509Certificate, the signer's first. */
  certificates: Buffer[];
}

const REFERENCE_URI = /^#([A-Za-z_][A-Za-z0-9_.-]*)$/;
const BASE64 = /^[A-Za-z0-9+/=\s]+$/;

const badForm = (detail: string): never => {
  throw new ExchangeSignatureInvalidError('bad-signature', detail);
};

const isDsig = (element: XmlElement | undefined, name: string): element is XmlElement =>
  element?.namespaceURI === DSIG_NS && element.localName === name;

/** The element children of `element` if they are exactly the XML-DSig elements named, in order. */
function exactly(element: XmlElement, names: readonly string[]): XmlElement[] | undefined {
  const children = elementChildren(element);
  return children.length === names.length && children.every((c, i) => isDsig(c, names[i]!))
    ? children
    : undefined;
}

const algorithmOf = (element: XmlElement) => element.getAttribute('Algorithm') ?? '';

/**
 * Checks that a signature has the one form the exchange signs: SignedInfo with exclusive
 * canonicalization (no inclusive prefixes), ECDSA P-256 or RSA with SHA-256, references by
 * same-document `#id`, each with the one exclusive-canonicalization transform and a SHA-256 digest;
 * then SignatureValue and an optional KeyInfo. Anything else is `bad-signature`.
 */
export function readSignatureForm(signature: XmlElement): SignatureForm {
  const [signedInfo, signatureValue] =
    exactly(signature, ['SignedInfo', 'SignatureValue', 'KeyInfo']) ??
    exactly(signature, ['SignedInfo', 'SignatureValue']) ??
    badForm('Signature holds other elements');
  const [c14n, method, ...references] = elementChildren(signedInfo!);
  if (!isDsig(c14n, 'CanonicalizationMethod') || !isDsig(method, 'SignatureMethod'))
    return badForm('SignedInfo form');
  if (references.length === 0 || !references.every((r) => isDsig(r, 'Reference')))
    return badForm('SignedInfo holds no reference, or other elements');
  if (algorithmOf(c14n) !== EXC_C14N || elementChildren(c14n).length > 0)
    badForm('canonicalization not allowed');
  const algorithm = algorithmOf(method);
  if (!ALGORITHM_NAMES[algorithm]) badForm('signature method not allowed');
  return {
    signedInfo: signedInfo!,
    algorithm,
    references: references.map(referenceOf),
    signatureValue: signatureValue!.textContent ?? '',
    certificates: certificatesOf(signature),
  };
}

function referenceOf(reference: XmlElement): SignatureReference {
  const id = REFERENCE_URI.exec(reference.getAttribute('URI') ?? '')?.[1];
  if (!id) return badForm('a reference is not to an element Id of the envelope');
  const [transforms, digestMethod, digestValue] =
    exactly(reference, ['Transforms', 'DigestMethod', 'DigestValue']) ?? badForm('reference form');
  const [transform] = exactly(transforms!, ['Transform']) ?? badForm('one transform is allowed');
  if (algorithmOf(transform!) !== EXC_C14N || elementChildren(transform!).length > 0)
    badForm('transform not allowed');
  if (algorithmOf(digestMethod!) !== SHA256) badForm('digest method not allowed');
  return { id, digestValue: digestValue!.textContent ?? '' };
}

function certificatesOf(signature: XmlElement): Buffer[] {
  const keyInfo = childrenNamed(signature, DSIG_NS, 'KeyInfo')[0];
  if (!keyInfo) return [];
  return childrenNamed(keyInfo, DSIG_NS, 'X509Data')
    .flatMap((data) => childrenNamed(data, DSIG_NS, 'X509Certificate'))
    .map((c) => c.textContent ?? '')
    .filter((text) => BASE64.test(text))
    .map((text) => Buffer.from(text.replace(/\s+/g, ''), 'base64'));
}
