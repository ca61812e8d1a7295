import fs from 'node:fs';
import path from 'node:path';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  SignJWT,
} from 'jose';
import { ConfigError } from '../../kernel/errors/index.js';
import type { ConsentGrantedData } from './events.js';

/** The hub's own signing key (Ed25519): signs consent receipts; its public half is published as JWKS. */
export interface HubSigningKey {
  kid: string;
  privateKey: CryptoKey;
  /** The public JWK with `kid`, `alg` and `use`, as published. */
  publicJwk: JWK;
}

export const RECEIPT_TYPE = 'consent-receipt+jwt';
export const SIGNING_KEY_VARIABLE = 'LIENTHONG_SIGNING_KEY';

async function fromPrivateJwk(jwk: JWK, origin: string): Promise<HubSigningKey> {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.d || !jwk.x) {
    throw new ConfigError(origin, 'must be an Ed25519 private JWK (kty OKP, crv Ed25519, with d and x)');
  }
  const kid = await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x });
  const privateKey = (await importJWK({ ...jwk, alg: 'EdDSA' }, 'EdDSA')) as CryptoKey;
  return {
    kid,
    privateKey,
    publicJwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid, alg: 'EdDSA', use: 'sig' },
  };
}

/**
 * The hub's signing key: from LIENTHONG_SIGNING_KEY (an Ed25519 private JWK as JSON, required in
 * production), otherwise from `<dataDir>/signing-key.json`, generated on first start with mode 0600.
 */
export async function loadHubSigningKey(options: {
  env: Record<string, string | undefined>;
  dataDir: string;
  production: boolean;
}): Promise<HubSigningKey> {
  const fromEnv = options.env[SIGNING_KEY_VARIABLE];
  if (fromEnv || options.production) {
    if (!fromEnv) throw new ConfigError(SIGNING_KEY_VARIABLE, 'is required');
    let jwk: JWK;
    try {
      jwk = JSON.parse(fromEnv);
    } catch {
      throw new ConfigError(SIGNING_KEY_VARIABLE, 'must be a private JWK as JSON');
    }
    return fromPrivateJwk(jwk, SIGNING_KEY_VARIABLE);
  }
  const file = path.join(options.dataDir, 'signing-key.json');
  if (!fs.existsSync(file)) {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const jwk = await exportJWK(privateKey);
    fs.mkdirSync(options.dataDir, { recursive: true });
    try {
      fs.writeFileSync(file, `${JSON.stringify(jwk)}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return fromPrivateJwk(JSON.parse(fs.readFileSync(file, 'utf8')), file);
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
