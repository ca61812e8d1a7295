import {
  type BinaryLike,
  constants,
  createPrivateKey,
  createPublicKey,
  type KeyLike,
  KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { createOptionalCallbackFunction, type SignatureAlgorithm, SignedXml } from 'xml-crypto';
import { ID_ATTRIBUTE } from './signed-parts.js';

/** Exclusive XML canonicalization, without comments: the one canonicalization and transform used. */
export const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
/** SHA-256, the one digest used. */
export const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
export const ECDSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256';
export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';

/** A SignatureMethod the exchange signs with and accepts. */
export type SignatureMethod = typeof ECDSA_SHA256 | typeof RSA_SHA256;

/** A signature algorithm the exchange signs and accepts, by name. */
export type SignatureAlgorithmName = 'ECDSA-P256-SHA256' | 'RSA-SHA256';

export const ALGORITHM_NAMES: Readonly<Record<string, SignatureAlgorithmName>> = {
  [ECDSA_SHA256]: 'ECDSA-P256-SHA256',
  [RSA_SHA256]: 'RSA-SHA256',
};

const RSA_BITS = { min: 2048, max: 4096 };

/** The algorithm a key signs with: P-256 keys ECDSA, RSA keys of 2048 to 4096 bits RSA; none for others. */
export function algorithmForKey(key: KeyObject): SignatureMethod | undefined {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ec' && details.namedCurve === 'prime256v1') return ECDSA_SHA256;
  const bits = details.modulusLength ?? 0;
  if (key.asymmetricKeyType === 'rsa' && bits >= RSA_BITS.min && bits <= RSA_BITS.max) return RSA_SHA256;
  return undefined;
}

/** How node:crypto writes and reads each method's SignatureValue: r||s for ECDSA, PKCS#1 v1.5 padding stated for RSA. */
const VALUE_FORM = {
  [ECDSA_SHA256]: { dsaEncoding: 'ieee-p1363' },
  [RSA_SHA256]: { padding: constants.RSA_PKCS1_PADDING },
} as const;

/**
 * The SignatureValue (raw bytes) of `data` — the canonical SignedInfo — by `method`: ECDSA P-256
 * with SHA-256 as XML-DSig writes it (RFC 4051: r||s, 64 bytes, not DER), or RSASSA-PKCS1-v1_5
 * with SHA-256.
 */
export const signatureValueOf = (data: BinaryLike, key: KeyObject, method: SignatureMethod): Buffer =>
  sign('sha256', bytes(data), { key, ...VALUE_FORM[method] });

/** Whether `value` is the SignatureValue of `data` by `method` under `key`; false for a value that is not one. */
export function verifiesSignatureValue(
  data: BinaryLike,
  key: KeyObject,
  method: SignatureMethod,
  value: Buffer,
): boolean {
  try {
    return verify('sha256', bytes(data), { key, ...VALUE_FORM[method] }, value);
  } catch {
    return false;
  }
}

const bytes = (data: BinaryLike): NodeJS.ArrayBufferView =>
  typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
const privateKeyOf = (key: KeyLike) => (key instanceof KeyObject ? key : createPrivateKey(key));
const publicKeyOf = (key: KeyLike) => (key instanceof KeyObject ? key : createPublicKey(key));

/** One of the two methods as xml-crypto's SignedXml calls it (see `newSignedXml`). */
const xmlCryptoAlgorithm = (method: SignatureMethod) =>
  class implements SignatureAlgorithm {
    getSignature = createOptionalCallbackFunction((signedInfo: BinaryLike, privateKey: KeyLike): string =>
      signatureValueOf(signedInfo, privateKeyOf(privateKey), method).toString('base64'),
    );
    verifySignature = createOptionalCallbackFunction(
      (material: string, key: KeyLike, signatureValue: string): boolean =>
        verifiesSignatureValue(material, publicKeyOf(key), method, Buffer.from(signatureValue, 'base64')),
    );
    getAlgorithmName = () => method;
  };

/**
 * xml-crypto's SignedXml in the exchange's form: only the two signature algorithms above (no HMAC,
 * no SHA-1; xml-crypto has no ECDSA of its own), exclusive canonicalization, elements identified by
 * `Id` only, never a key taken from KeyInfo. `signEnvelope` and `verifyEnvelope` do not go through
 * it (they canonicalize, digest and sign the parts they located themselves); it is the reference
 * their output and their verdicts are checked against (signature.test.ts).
 */
export function newSignedXml(): SignedXml {
  const signedXml = new SignedXml({
    canonicalizationAlgorithm: EXC_C14N,
    getCertFromKeyInfo: () => null,
  });
  signedXml.SignatureAlgorithms = {
    [ECDSA_SHA256]: xmlCryptoAlgorithm(ECDSA_SHA256),
    [RSA_SHA256]: xmlCryptoAlgorithm(RSA_SHA256),
  };
  signedXml.idAttributes = [ID_ATTRIBUTE];
  return signedXml;
}
