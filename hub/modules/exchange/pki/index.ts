/**
 * The exchange's public-key infrastructure: the demo certificate authority, organs' certificates
 * and their demo credentials, trust anchors and certificate chains. A leaf of the hub: it imports
 * only the kernel, so the agency registry may use it (`x509: demo`) while the exchange uses the
 * registry.
 */
export {
  type CertificateAuthority,
  demoCaFiles,
  ensureDemoCa,
  issueOrganCertificate,
  type OrganCertificateRequest,
  type OrganCredentials,
  type OrganKeyAlgorithm,
} from './ca.js';
export {
  allowsUsage,
  type Certificate,
  checkCertificateChain,
  isIssuerCertificate,
  ORGAN_CODE_ATTRIBUTE,
  organCodeOf,
  pemCertificates,
  pemSha256,
  readCertificate,
  readCertificateDer,
  type TrustAnchors,
} from './certificates.js';
export { type DemoCredentialOptions, demoX509Files, ensureDemoOrganCredentials } from './demo-credentials.js';
export { loadTrustAnchors, trustAnchorsFromPem } from './trust-anchors.js';
