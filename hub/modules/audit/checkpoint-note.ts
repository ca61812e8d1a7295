/**
 * Checkpoints as C2SP signed notes (c2sp.org/signed-note, c2sp.org/tlog-checkpoint), so that any
 * tool that reads transparency-log checkpoints reads the hub's:
 *
 * ```
 * hub.local/audit                                   origin (the log's name, also the key's name)
 * 1048576                                           tree size, decimal
 * 3Q7kGJdt2VdTwcc4YrmTj6KizPm0/w/di/MM2VIJlLc=      tree head (RFC 6962), base64
 * time 2026-03-02T08:00:00.000Z                     when it was signed (an extension line)
 *
 * — hub.local/audit Pq3Rbw…                         base64(key hash (4 bytes) ‖ Ed25519 signature)
 * ```
 *
 * The Ed25519 signature covers the note text (the four lines, each ending in a newline); the key
 * hash is the first 4 bytes of SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key), as the signed-note
 * specification recommends for Ed25519 keys. The key itself is the hub's signing key, named
 * everywhere else by its JWK thumbprint (RFC 7638), `keyId`.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/** What a checkpoint signs. */
export interface CheckpointBody {
  origin: string;
  size: number;
  /** The tree head, base64 (32 bytes). */
  rootHash: string;
  /** ISO-8601 instant, UTC, milliseconds (`Date.prototype.toISOString`). */
  at: string;
}

/** A public Ed25519 key as JWKS publish it. */
export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

/** A key that verifies checkpoints: its JWK, its thumbprint and the node:crypto key. */
export interface CheckpointVerifier {
  jwk: PublicJwk;
  keyId: string;
  publicKey: KeyObject;
}

/** A key that signs them (the hub's). */
export interface CheckpointSigner extends CheckpointVerifier {
  privateKey: KeyObject;
}

const SIGNATURE_PREFIX = '\u2014 ';
export const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const BASE64URL_32 = /^[A-Za-z0-9_-]{43}$/;

/** A log or key name as signed notes allow: non-empty, no space, no `+`, no control character. */
export const isNoteName = (name: string): boolean => /^[^\s+\p{Cc}]+$/u.test(name);

/** The note text a checkpoint signs. */
export function checkpointText(body: CheckpointBody): string {
  return `${body.origin}\n${body.size}\n${body.rootHash}\ntime ${body.at}\n`;
}

/** RFC 7638 thumbprint of an Ed25519 public key (`x`, base64url): the `kid` the hub publishes. */
export function jwkThumbprint(x: string): string {
  return createHash('sha256')
    .update(canonicalJson({ crv: 'Ed25519', kty: 'OKP', x }))
    .digest('base64url');
}

/** The public half of a key given by `x` (base64url, 32 bytes). */
export function checkpointVerifier(x: string): CheckpointVerifier {
  if (!BASE64URL_32.test(x) || Buffer.from(x, 'base64url').toString('base64url') !== x) {
    throw new TypeError('x must be 32 bytes, base64url');
  }
  const keyId = jwkThumbprint(x);
  return {
    jwk: { kty: 'OKP', crv: 'Ed25519', x, kid: keyId, alg: 'EdDSA', use: 'sig' },
    keyId,
    publicKey: createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' }),
  };
}

/** The hub's signing key (`config.secrets.signingKey`) as a checkpoint signer. */
export function checkpointSigner(key: { x: string; d: string }): CheckpointSigner {
  return {
    ...checkpointVerifier(key.x),
    privateKey: createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key.x, d: key.d }, format: 'jwk' }),
  };
}

/** The 4-byte key hash a signature line starts with. */
export function noteKeyHash(name: string, x: string): Buffer {
  return createHash('sha256')
    .update(name, 'utf8')
    .update(Buffer.from([0x0a, 0x01]))
    .update(Buffer.from(x, 'base64url'))
    .digest()
    .subarray(0, 4);
}

/** The raw Ed25519 signature of a checkpoint (64 bytes). */
export const signCheckpoint = (body: CheckpointBody, signer: CheckpointSigner): Buffer =>
  sign(null, Buffer.from(checkpointText(body), 'utf8'), signer.privateKey);

export function verifyCheckpoint(
  body: CheckpointBody,
  signature: Uint8Array,
  key: CheckpointVerifier,
): boolean {
  if (signature.length !== 64) return false;
  return verify(null, Buffer.from(checkpointText(body), 'utf8'), key.publicKey, signature);
}

/** The whole signed note: the text, a blank line, the signature line. */
export function signedNote(body: CheckpointBody, signature: Uint8Array, x: string): string {
  const line = Buffer.concat([noteKeyHash(body.origin, x), signature]).toString('base64');
  return `${checkpointText(body)}\n${SIGNATURE_PREFIX}${body.origin} ${line}\n`;
}

/**
 * A signed note read back into its checkpoint and the signatures of its signature lines named after
 * its origin (each without its 4-byte key hash: verifying against a key tells which is whose); null
 * when the text is not a checkpoint note of this shape.
 */
export function parseSignedNote(text: string): { body: CheckpointBody; signatures: Buffer[] } | null {
  const blank = text.indexOf('\n\n');
  if (blank < 0) return null;
  const [origin, size, rootHash, time, ...more] = text.slice(0, blank).split('\n');
  if (more.length > 0 || !origin || !isNoteName(origin)) return null;
  if (!/^(0|[1-9]\d{0,15})$/.test(size ?? '') || !isBase64(rootHash ?? '', 32)) return null;
  const at = time?.startsWith('time ') ? time.slice(5) : '';
  if (!INSTANT.test(at)) return null;
  const signatures: Buffer[] = [];
  const prefix = `${SIGNATURE_PREFIX}${origin} `;
  for (const line of text.slice(blank + 2).split('\n')) {
    const raw = line.startsWith(prefix) ? line.slice(prefix.length) : '';
    if (isBase64(raw, 68)) signatures.push(Buffer.from(raw, 'base64').subarray(4));
  }
  if (signatures.length === 0) return null;
  return { body: { origin, size: Number(size), rootHash: rootHash!, at }, signatures };
}

/** Standard base64 of exactly `bytes` bytes, in its one canonical spelling. */
export function isBase64(text: string, bytes: number): boolean {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length !== 4 * Math.ceil(bytes / 3)) return false;
  const decoded = Buffer.from(text, 'base64');
  return decoded.length === bytes && decoded.toString('base64') === text;
}
