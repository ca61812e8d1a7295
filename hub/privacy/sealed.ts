import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { SealedDataError } from '../kernel/errors/index.js';
import type { Sealed } from '../kernel/vocabulary.js';
import type { SubjectKey, SubjectKeyStore } from './key-store.js';

export type { Sealed };

const aad = (subject: string, context: string, kid: string) => Buffer.from(`${subject}\n${context}\n${kid}`);

/**
 * The nonce is synthetic: an HMAC under the subject key of the additional data and the plaintext.
 * Sealing the same value twice therefore gives the same bytes, so a re-built event is an identical
 * retry rather than a conflict; a nonce repeats only when the whole plaintext repeats, which reveals
 * equality (as the record version does anyway) and never the content.
 */
export function seal(key: SubjectKey, subject: string, context: string, value: unknown): Sealed {
  const plain = Buffer.from(JSON.stringify(value), 'utf8');
  const additional = aad(subject, context, key.kid);
  const iv = createHmac('sha256', key.key).update(additional).update(plain).digest().subarray(0, 12);
  const c = createCipheriv('aes-256-gcm', key.key, iv).setAAD(additional);
  const ct = Buffer.concat([c.update(plain), c.final()]);
  return {
    alg: 'A256GCM',
    kid: key.kid,
    iv: iv.toString('base64url'),
    ct: ct.toString('base64url'),
    tag: c.getAuthTag().toString('base64url'),
  };
}

export function unseal(key: SubjectKey, subject: string, context: string, sealed: Sealed): unknown {
  if (sealed.alg !== 'A256GCM' || sealed.kid !== key.kid) {
    throw new SealedDataError(`sealed value of subject ${subject} uses key ${sealed.kid}, not ${key.kid}`);
  }
  try {
    const d = createDecipheriv('aes-256-gcm', key.key, Buffer.from(sealed.iv, 'base64url')).setAAD(
      aad(subject, context, key.kid),
    );
    d.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
    const plain = Buffer.concat([d.update(Buffer.from(sealed.ct, 'base64url')), d.final()]);
    return JSON.parse(plain.toString('utf8'));
  } catch {
    throw new SealedDataError(`sealed value of subject ${subject} (${context}) failed authentication`);
  }
}

/** Seals and opens values by subject, through the key store. Erased subjects throw SubjectErasedError. */
export class SubjectVault {
  constructor(readonly keys: SubjectKeyStore) {}

  seal(subject: string, context: string, value: unknown): Sealed {
    return seal(this.keys.keyFor(subject), subject, context, value);
  }

  open(subject: string, context: string, sealed: Sealed): unknown {
    const key = this.keys.find(subject);
    if (!key) throw new SealedDataError(`no key for subject ${subject}`);
    return unseal(key, subject, context, sealed);
  }
}
