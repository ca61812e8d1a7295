import { createHmac } from 'node:crypto';

/** What a pseudonym stands for; part of the keyed input so equal numbers of different kinds never collide. */
export type SubjectKind = 'citizen' | 'household' | 'enterprise' | 'parcel';

/**
 * Keyed pseudonyms (HMAC-SHA-256 with the hub's secret, 128 bits, hex). Streams, read models and logs
 * name a citizen only by pseudonym; the personal ID number itself is never stored. Without the
 * secret a pseudonym cannot be linked back by trying all 12-digit numbers.
 */
export function createPseudonymizer(secret: Buffer) {
  if (secret.length < 32) throw new RangeError('the pseudonym secret must be at least 32 bytes');
  return (kind: SubjectKind, identifier: string): string =>
    createHmac('sha256', secret)
      .update(`${kind}:${identifier.trim().normalize('NFC')}`)
      .digest('hex')
      .slice(0, 32);
}

export type Pseudonymizer = ReturnType<typeof createPseudonymizer>;
