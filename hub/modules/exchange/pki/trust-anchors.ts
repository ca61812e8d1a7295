import fs from 'node:fs';
import path from 'node:path';
import { ExchangeTrustAnchorInvalidError } from '../../../kernel/errors/index.js';
import { isIssuerCertificate, pemCertificates, readCertificate, type TrustAnchors } from './certificates.js';

/** Files of a trust-anchor directory that are read; others are left alone. */
const CERTIFICATE_FILE = /\.(pem|crt|cer)$/i;

/**
 * Reads the trust anchors from a PEM file (one or more certificates) or a directory of them
 * (`*.pem`, `*.crt`, `*.cer`, in name order). Production: the government CA's certificates, as the
 * operator installs them; demo: the demo CA's `ca.pem`. Every certificate must be a CA allowed to
 * sign certificates, and there must be one at least; otherwise ExchangeTrustAnchorInvalidError.
 */
export function loadTrustAnchors(location: string): TrustAnchors {
  let files: string[];
  try {
    files = fs.statSync(location).isDirectory()
      ? fs
          .readdirSync(location)
          .filter((f) => CERTIFICATE_FILE.test(f))
          .sort()
          .map((f) => path.join(location, f))
      : [location];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new ExchangeTrustAnchorInvalidError(location, 'not found');
    throw err;
  }
  const anchors = files.flatMap((file) => anchorsIn(fs.readFileSync(file, 'utf8'), file));
  if (anchors.length === 0) throw new ExchangeTrustAnchorInvalidError(location, 'holds no certificate');
  return anchors;
}

/** The trust anchors in a PEM text (e.g. the demo CA's certificate); `source` names it in errors. */
export function trustAnchorsFromPem(pem: string, source = 'PEM text'): TrustAnchors {
  const anchors = anchorsIn(pem, source);
  if (anchors.length === 0) throw new ExchangeTrustAnchorInvalidError(source, 'holds no certificate');
  return anchors;
}

function anchorsIn(text: string, source: string): TrustAnchors {
  return pemCertificates(text).map((pem, index) => {
    const certificate = readCertificate(pem);
    if (!certificate)
      throw new ExchangeTrustAnchorInvalidError(source, `certificate ${index + 1} is unreadable`);
    if (!isIssuerCertificate(certificate)) {
      throw new ExchangeTrustAnchorInvalidError(source, `certificate ${index + 1} is not a CA certificate`);
    }
    return certificate;
  });
}
