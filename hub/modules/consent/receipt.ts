import {
  type CryptoKey,
  calculateJwkThumbprint,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  SignJWT,
} from 'jose';
import type { SigningJwk } from '../../kernel/secrets.js';
import type { ConsentGrantedData } from './events.js';

/** The hub's own signing key (Ed25519): signs consent receipts; its public half is published as JWKS. */
export interface HubSigningKey {
  kid: string;
  privateKey: CryptoKey;
  /** The public JWK with `kid`, `alg` and `use`, as published. */
  publicJwk: JWK;
}

export const RECEIPT_TYPE = 'consent-receipt+jwt';

/**
 * The hub's signing key from the validated configuration (`config.secrets.signingKey`, from
 * LIENTHONG_SIGNING_KEY or `<dataDir>/signing-key.json`): imported once, named by its thumbprint.
 */
export async function hubSigningKey(jwk: SigningJwk): Promise<HubSigningKey> {
  const publicPart = { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
  const kid = await calculateJwkThumbprint(publicPart);
  const privateKey = (await importJWK({ ...publicPart, d: jwk.d, alg: 'EdDSA' }, 'EdDSA')) as CryptoKey;
  return { kid, privateKey, publicJwk: { ...publicPart, kid, alg: 'EdDSA', use: 'sig' } };
}

export const publicJwks = (key: HubSigningKey): JSONWebKeySet => ({ keys: [key.publicJwk] });

/**
 * The consent receipt the citizen keeps: a compact JWS (EdDSA) whose claims follow the Kantara
 * Consent Receipt v1.1 and ISO/IEC TS 27560 records (controller, principal, purposes, PII
 * categories, collection method, termination), plus the hub's consent id and window. The principal
 * is named by pseudonym; anyone can verify it against `/.well-known/jwks.json`.
 */
export function signConsentReceipt(
  key: HubSigningKey,
  consent: ConsentGrantedData,
  options: { issuer: string; issuedAt: Date },
): Promise<string> {
  const iat = Math.floor(options.issuedAt.getTime() / 1000);
  return new SignJWT({
    version: 'KI-CR-v1.1.0',
    jurisdiction: 'VN',
    language: 'vi',
    consentTimestamp: iat,
    collectionMethod: `citizen portal ${consent.collectedBy.agency}`,
    consentReceiptID: consent.receiptId,
    consentId: consent.consentId,
    piiPrincipalId: consent.subject,
    piiControllers: [{ piiController: consent.consumer }],
    policyUrl: 'https://lienthong.gov.vn/privacy',
    services: consent.scope.map((s) => ({
      service: s.dataset,
      purposes: consent.purposes.map((purpose) => ({
        purpose,
        consentType: 'EXPLICIT',
        piiCategory: s.fields,
        primaryPurpose: true,
        termination: consent.validUntil,
        thirdPartyDisclosure: false,
      })),
    })),
    sensitive: false,
    spiCat: [],
    dossier: consent.dossier,
    validFrom: consent.validFrom,
    validUntil: consent.validUntil,
    legalBasis: 'Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15 (consent)',
  })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: RECEIPT_TYPE })
    .setIssuer(options.issuer)
    .setSubject(consent.subject)
    .setJti(consent.receiptId)
    .setIssuedAt(iat)
    .sign(key.privateKey);
}
