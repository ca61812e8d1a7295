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

/** A signature algorithm the exchange signs and accepts, by name. */
export type SignatureAlgorithmName = 'ECDSA-P256-SHA256' | 'RSA-SHA256';

export const ALGORITHM_NAMES: Readonly<Record<string, SignatureAlgorithmName>> = {
  [ECDSA_SHA256]: 'ECDSA-P256-SHA256',
  [RSA_SHA256]: 'RSA-SHA256',
};

const RSA_BITS = { min: 2048, max: 4096 };

/** The algorithm a key signs with: P-256 keys ECDSA, RSA keys of 2048 to 4096 bits RSA; none for others. */
export function algorithmForKey(key: KeyObject): typeof ECDSA_SHA256 | typeof RSA_SHA256 | undefined {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ec' && details.namedCurve === 'prime256v1') return ECDSA_SHA256;
  const bits = details.modulusLength ?? 0;
  if (key.asymmetricKeyType === 'rsa' && bits >= RSA_BITS.min && bits <= RSA_BITS.max) return RSA_SHA256;
  return undefined;
}

const bytes = (data: BinaryLike): NodeJS.ArrayBufferView =>
  typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
const privateKeyOf = (key: KeyLike) => (key instanceof KeyObject ? key : createPrivateKey(key));
const publicKeyOf = (key: KeyLike) => (key instanceof KeyObject ? key : createPublicKey(key));

/**
 * ECDSA P-256 with SHA-256 as XML-DSig writes it (RFC 4051): the SignatureValue is r||s, 64 bytes,
 * not DER. xml-crypto has no such algorithm; it is registered on each SignedXml used here.
 */
class EcdsaSha256 implements SignatureAlgorithm {
  getSignature = createOptionalCallbackFunction((signedInfo: BinaryLike, privateKey: KeyLike): string =>
    sign('sha256', bytes(signedInfo), { key: privateKeyOf(privateKey), dsaEncoding: 'ieee-p1363' }).toString(
      'base64',
    ),
  );
  verifySignature = createOptionalCallbackFunction(
    (material: string, key: KeyLike, signatureValue: string): boolean =>
      verify(
        'sha256',
        Buffer.from(material, 'utf8'),
        { key: publicKeyOf(key), dsaEncoding: 'ieee-p1363' },
        Buffer.from(signatureValue, 'base64'),
      ),
  );
  getAlgorithmName = () => ECDSA_SHA256;
}

/** RSASSA-PKCS1-v1_5 with SHA-256, padding stated so that no other key type can pass for it. */
class RsaSha256 implements SignatureAlgorithm {
  getSignature = createOptionalCallbackFunction((signedInfo: BinaryLike, privateKey: KeyLike): string =>
    sign('sha256', bytes(signedInfo), {
      key: privateKeyOf(privateKey),
      padding: constants.RSA_PKCS1_PADDING,
    }).toString('base64'),
  );
  verifySignature = createOptionalCallbackFunction(
    (material: string, key: KeyLike, signatureValue: string): boolean =>
      verify(
        'sha256',
        Buffer.from(material, 'utf8'),
        { key: publicKeyOf(key), padding: constants.RSA_PKCS1_PADDING },
        Buffer.from(signatureValue, 'base64'),
      ),
  );
  getAlgorithmName = () => RSA_SHA256;
}

/**
 * A SignedXml that knows only the two signature algorithms above (no HMAC, no SHA-1), exclusive
 * canonicalization, identifies elements by `Id` only, and never takes a key from KeyInfo: the
 * verifier hands it the certificate it has read and checks the chain of itself.
 */
export function newSignedXml(): SignedXml {
  const signedXml = new SignedXml({
    canonicalizationAlgorithm: EXC_C14N,
    getCertFromKeyInfo: () => null,
  });
  signedXml.SignatureAlgorithms = { [ECDSA_SHA256]: EcdsaSha256, [RSA_SHA256]: RsaSha256 };
  signedXml.idAttributes = [ID_ATTRIBUTE];
  return signedXml;
}
