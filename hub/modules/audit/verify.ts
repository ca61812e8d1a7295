/**
 * Offline verification of a bundle (`bundle.ts`): needs no store, no network and no secret. Every
 * line is read once, in order; nothing but one checkpoint's leaf hashes is held in memory.
 *
 * - The manifest must be exactly the terms this verifier knows, with an Ed25519 public key whose
 *   `kid` is its thumbprint — and, when a key is pinned, that key.
 * - Each checkpoint must be signed by that key (its note rebuilt from origin, size, tree head and
 *   time), grow the log, and carry a consistency proof from the previous one that verifies
 *   against both signed tree heads.
 * - Its leaf hashes must make its signed tree head, and each entry after it must hash to its leaf
 *   (which names an altered, removed, inserted or moved entry exactly): the tree is grown from the
 *   leaf hashes once, and the entries only compared with them.
 * - A trusted checkpoint (fetched apart, e.g. `GET /audit/checkpoint`) must be signed by the key
 *   and match the head of the bundle's entries at its size: a bundle cut short with its later
 *   checkpoints dropped is caught by it.
 * - Entries after the last checkpoint are covered by no signature: they are checked for form only
 *   and counted in `uncovered` (unless a trusted checkpoint covers them).
 *
 * Every byte of the bundle is thus either covered by a signature or checked for its one allowed
 * form (records must be in canonical form, base64 in its one spelling).
 */
import fs from 'node:fs';
import { AuditBundleInvalidError, type AuditFailure } from '../../kernel/errors/index.js';
import { BUNDLE_FORMAT, MANIFEST_TERMS } from './bundle.js';
import { canonicalJson } from './canonical-json.js';
import {
  type CheckpointBody,
  type CheckpointVerifier,
  checkpointVerifier,
  INSTANT,
  isBase64,
  isNoteName,
  verifyCheckpoint,
} from './checkpoint-note.js';
import { HASH_BYTES, leafHash, MerkleFrontier, verifyConsistency } from './merkle.js';

/** A checkpoint trusted apart from the bundle, with its signatures (one must be by the bundle's key). */
export interface TrustedCheckpoint {
  body: CheckpointBody;
  signatures: readonly Buffer[];
}

export interface VerifyOptions {
  /** Pinned keys: the bundle must be signed with one of them (else its own key is used, unpinned). */
  keys?: readonly CheckpointVerifier[];
  trusted?: TrustedCheckpoint;
}

export interface VerifyReport {
  keyId: string;
  origin: string | null;
  entries: number;
  checkpoints: number;
  /** Entries under a verified signature: the latest checkpoint's, or the trusted one's when larger. */
  covered: number;
  /** Entries after that, checked for form only. */
  uncovered: number;
  latest: CheckpointBody | null;
  trusted: { size: number } | null;
}

const NEWLINE = 0x0a;
const CHECKPOINT_RECORD = Buffer.from('{"checkpoint":');
const END_RECORD = Buffer.from('{"end":');
const startsWith = (bytes: Buffer, prefix: Buffer) =>
  bytes.length >= prefix.length && bytes.subarray(0, prefix.length).equals(prefix);
/** The longest line read (an entry or a line of leaf hashes is far shorter). */
const MAX_LINE = 16 * 1024 * 1024;
const ENTRY_KEYS = ['data', 'id', 'metadata', 'revision', 'stream', 'type'];
const CHECKPOINT_KEYS = ['at', 'keyId', 'origin', 'rootHash', 'signature', 'size'];
const JWK_KEYS = ['alg', 'crv', 'kid', 'kty', 'use', 'x'];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasKeys = (v: unknown, keys: readonly string[]): v is Json =>
  isObject(v) && Object.keys(v).sort().join() === keys.join();
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

interface Interval {
  number: number;
  body: CheckpointBody;
  root: Buffer;
  from: number;
  leaves: Buffer[];
}

/** The verification as a sink of lines (without their newline); `finish()` gives the report. */
export class BundleVerifier {
  private lineNo = 0;
  private key: CheckpointVerifier | null = null;
  /** The tree of the leaves verified so far: authenticated leaf hashes, then uncovered entries. */
  private readonly frontier = new MerkleFrontier();
  /** Entries read so far. */
  private entries = 0;
  private checkpoints = 0;
  private previous: { size: number; root: Buffer; origin: string | null } = {
    size: 0,
    root: Buffer.alloc(0),
    origin: null,
  };
  private latest: CheckpointBody | null = null;
  private interval: Interval | null = null;
  private uncoveredSeen = false;
  private ended = false;
  private trustedRoot: Buffer | null = null;
  private trustedMatched = false;

  constructor(private readonly options: VerifyOptions = {}) {
    if (options.trusted) {
      const root = options.trusted.body.rootHash;
      if (!isBase64(root, HASH_BYTES)) throw new TypeError('trusted checkpoint: rootHash must be base64');
      this.trustedRoot = Buffer.from(root, 'base64');
    }
  }

  private fail(
    reason: AuditFailure,
    detail: string,
    at: { entry?: number; checkpoint?: number; line?: boolean } = {},
  ): never {
    const line = at.line === false ? null : this.lineNo;
    throw new AuditBundleInvalidError({
      reason,
      detail: line === null ? detail : `line ${line}: ${detail}`,
      line,
      entry: at.entry ?? null,
      checkpoint: at.checkpoint ?? null,
    });
  }

  /** A record line: JSON in its canonical form, else a failure naming the line. */
  private record(bytes: Buffer, what: string): unknown {
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch {
      this.fail('malformed', `${what}: not JSON`);
    }
    if (!Buffer.from(canonicalJson(value), 'utf8').equals(bytes)) {
      this.fail('malformed', `${what}: not in its canonical form (RFC 8785)`);
    }
    return value;
  }

  line(bytes: Buffer): void {
    this.lineNo++;
    if (this.ended) this.fail('malformed', 'data after the end record');
    const interval = this.interval;
    if (!this.key) this.manifest(bytes);
    else if (interval && interval.leaves.length < interval.body.size - interval.from)
      this.leaves(bytes, interval);
    else if (interval && this.entries < interval.body.size) this.entry(bytes, interval);
    else if (startsWith(bytes, CHECKPOINT_RECORD)) this.checkpoint(bytes);
    else if (startsWith(bytes, END_RECORD)) this.end(bytes);
    else this.uncovered(bytes);
  }

  private manifest(bytes: Buffer): void {
    const value = this.record(bytes, 'the manifest');
    const m = isObject(value) ? value.manifest : undefined;
    if (!hasKeys(value, ['manifest']) || !hasKeys(m, [...Object.keys(MANIFEST_TERMS), 'key'].sort())) {
      this.fail('malformed', `the first line is not the manifest of a ${BUNDLE_FORMAT} bundle`);
    }
    for (const [term, meaning] of Object.entries(MANIFEST_TERMS)) {
      if (m[term] !== meaning) this.fail('malformed', `manifest: ${term} is not "${meaning}"`);
    }
    const jwk = m.key;
    let key: CheckpointVerifier;
    try {
      if (!hasKeys(jwk, JWK_KEYS) || typeof jwk.x !== 'string') throw new TypeError();
      key = checkpointVerifier(jwk.x);
    } catch {
      this.fail('key', 'manifest: the key is not an Ed25519 public JWK');
    }
    if (canonicalJson(jwk) !== canonicalJson(key.jwk)) {
      this.fail(
        'key',
        `manifest: the key is not an Ed25519 signing JWK with kid ${key.keyId} (its thumbprint)`,
      );
    }
    const pinned = this.options.keys;
    if (pinned && !pinned.some((k) => k.jwk.x === key.jwk.x)) {
      const names = pinned.map((k) => k.keyId).join(', ');
      this.fail('key', `the bundle is signed with key ${key.keyId}, not a pinned key (${names})`);
    }
    this.key = key;
    const trusted = this.options.trusted;
    if (trusted && !trusted.signatures.some((s) => verifyCheckpoint(trusted.body, s, key))) {
      this.fail(
        'trusted-checkpoint',
        `the trusted checkpoint (size ${trusted.body.size}) is not signed by key ${key.keyId}`,
        {
          line: false,
        },
      );
    }
  }

  private checkpoint(bytes: Buffer): void {
    const number = this.checkpoints + 1;
    const at = { checkpoint: number };
    const what = `checkpoint ${number}`;
    if (this.uncoveredSeen) this.fail('malformed', `${what} follows entries covered by no checkpoint`, at);
    const value = this.record(bytes, what);
    const c = isObject(value) ? value.checkpoint : undefined;
    const proof = isObject(value) ? value.consistency : undefined;
    if (
      !hasKeys(value, ['checkpoint', 'consistency']) ||
      !hasKeys(c, CHECKPOINT_KEYS) ||
      !hasKeys(proof, ['from', 'hashes']) ||
      typeof c.origin !== 'string' ||
      !isNoteName(c.origin) ||
      !isCount(c.size) ||
      typeof c.rootHash !== 'string' ||
      !isBase64(c.rootHash, HASH_BYTES) ||
      typeof c.at !== 'string' ||
      !INSTANT.test(c.at) ||
      typeof c.signature !== 'string' ||
      !isBase64(c.signature, 64) ||
      !Array.isArray(proof.hashes) ||
      !proof.hashes.every((h) => typeof h === 'string' && isBase64(h, HASH_BYTES))
    ) {
      this.fail('malformed', `${what} is not a checkpoint record`, at);
    }
    const body: CheckpointBody = { origin: c.origin, size: c.size, rootHash: c.rootHash, at: c.at };
    const previous = this.previous;
    const name = `${what} (size ${body.size})`;
    if (previous.origin !== null && body.origin !== previous.origin) {
      this.fail('malformed', `${name} is of log ${body.origin}, the ones before of ${previous.origin}`, at);
    }
    if (body.size <= previous.size && number > 1) {
      this.fail('count', `${name} does not grow the log (the one before covers ${previous.size})`, at);
    }
    const trusted = this.options.trusted;
    if (trusted && trusted.body.origin !== body.origin) {
      this.fail(
        'trusted-checkpoint',
        `${name} is of log ${body.origin}, the trusted checkpoint of ${trusted.body.origin}`,
        at,
      );
    }
    const key = this.key!;
    if (c.keyId !== key.keyId) {
      this.fail('key', `${name} names key ${String(c.keyId)}, the bundle's key is ${key.keyId}`, at);
    }
    if (!verifyCheckpoint(body, Buffer.from(c.signature, 'base64'), key)) {
      this.fail(
        'signature',
        `${name}: the signature does not verify with key ${key.keyId} (its size, tree head, time or origin was altered, or another key signed it)`,
        at,
      );
    }
    const root = Buffer.from(body.rootHash, 'base64');
    const hashes = (proof.hashes as string[]).map((h) => Buffer.from(h, 'base64'));
    if (proof.from !== previous.size) {
      this.fail(
        'consistency',
        `${name}: its consistency proof is from ${String(proof.from)}, not ${previous.size}`,
        at,
      );
    }
    if (number > 1 && !verifyConsistency(previous.size, body.size, hashes, previous.root, root)) {
      this.fail(
        'consistency',
        `${name} does not extend checkpoint ${number - 1} (size ${previous.size}): its consistency proof does not verify`,
        at,
      );
    }
    if (number === 1 && hashes.length > 0)
      this.fail('consistency', `${name}: the first checkpoint has no proof`, at);
    this.checkpoints = number;
    this.previous = { size: body.size, root, origin: body.origin };
    this.latest = body;
    this.interval = { number, body, root, from: this.entries, leaves: [] };
    if (this.interval.from === body.size) this.interval = null;
  }

  private leaves(bytes: Buffer, interval: Interval): void {
    const at = { checkpoint: interval.number };
    const value = this.record(bytes, `leaf hashes of checkpoint ${interval.number}`);
    const l = isObject(value) ? value.leaves : undefined;
    const from = interval.from + interval.leaves.length;
    const left = interval.body.size - from;
    if (!hasKeys(value, ['leaves']) || !hasKeys(l, ['from', 'hashes']) || typeof l.hashes !== 'string') {
      this.fail(
        'malformed',
        `checkpoint ${interval.number} (size ${interval.body.size}) is followed by ${left} leaf hashes, not by this line`,
        at,
      );
    }
    if (l.from !== from)
      this.fail('malformed', `leaf hashes from ${String(l.from)} where ${from} comes next`, at);
    const n = Math.floor(Buffer.byteLength(l.hashes, 'base64') / HASH_BYTES);
    if (n < 1 || n > left || !isBase64(l.hashes, n * HASH_BYTES)) {
      this.fail('malformed', `leaf hashes: not base64 of 1 to ${left} hashes of 32 bytes`, at);
    }
    const raw = Buffer.from(l.hashes, 'base64');
    for (let i = 0; i < n; i++) interval.leaves.push(raw.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES));
    if (interval.leaves.length === interval.body.size - interval.from) {
      // the tree grows by the leaf hashes (once the entries match them, they are the entries' own)
      let disagrees = false;
      for (const leaf of interval.leaves) disagrees = !this.grow(leaf) || disagrees;
      if (!this.frontier.root().equals(interval.root)) {
        this.fail(
          'leaves',
          `the leaf hashes given for checkpoint ${interval.number} (size ${interval.body.size}) do not make its signed tree head: they were altered`,
          at,
        );
      }
      if (disagrees) {
        this.fail(
          'trusted-checkpoint',
          `checkpoint ${interval.number} (size ${interval.body.size}) and the trusted checkpoint (size ${this.options.trusted!.body.size}) give two tree heads for the same entries: the log was rewritten`,
          at,
        );
      }
    }
  }

  private entry(bytes: Buffer, interval: Interval): void {
    const index = this.entries;
    if (startsWith(bytes, CHECKPOINT_RECORD) || startsWith(bytes, END_RECORD)) {
      this.fail(
        'truncated',
        `checkpoint ${interval.number} (size ${interval.body.size}) covers ${interval.body.size} entries; the bundle gives ${index} before this record: entries were removed`,
        { entry: index, checkpoint: interval.number },
      );
    }
    const hash = leafHash(bytes);
    if (!hash.equals(interval.leaves[index - interval.from]!)) {
      const elsewhere = interval.leaves.findIndex((l) => l.equals(hash));
      const moved = elsewhere >= 0 ? `; its bytes are those of entry ${interval.from + elsewhere}` : '';
      this.fail(
        'entry',
        `entry ${index}${describeEntry(bytes)} does not hash to leaf ${index} of checkpoint ${interval.number} (size ${interval.body.size}): the entry was altered, or entries were removed, inserted or reordered here${moved}`,
        { entry: index, checkpoint: interval.number },
      );
    }
    this.entries++;
    if (this.entries === interval.body.size) this.interval = null;
  }

  private uncovered(bytes: Buffer): void {
    const index = this.entries;
    const value = this.record(bytes, `entry ${index}`);
    if (
      !hasKeys(value, ENTRY_KEYS) ||
      typeof value.id !== 'string' ||
      typeof value.type !== 'string' ||
      typeof value.stream !== 'string' ||
      !isCount(value.revision)
    ) {
      this.fail('malformed', `entry ${index} is not an event (data, id, metadata, revision, stream, type)`, {
        entry: index,
      });
    }
    this.uncoveredSeen = true;
    this.entries++;
    if (!this.grow(leafHash(bytes))) {
      this.fail(
        'trusted-checkpoint',
        `the first ${this.frontier.size} entries do not make the tree head of the trusted checkpoint: an entry up to here was altered, removed, inserted or reordered`,
        { entry: index },
      );
    }
  }

  /** Adds a leaf to the tree; false when the tree then has the trusted checkpoint's size but not its head. */
  private grow(hash: Buffer): boolean {
    this.frontier.append(hash);
    const trusted = this.options.trusted;
    if (!trusted || !this.trustedRoot || this.frontier.size !== trusted.body.size) return true;
    this.trustedMatched = this.frontier.root().equals(this.trustedRoot);
    return this.trustedMatched;
  }

  private end(bytes: Buffer): void {
    const value = this.record(bytes, 'the end record');
    const e = isObject(value) ? value.end : undefined;
    if (!hasKeys(value, ['end']) || !hasKeys(e, ['checkpoints', 'entries'])) {
      this.fail('malformed', 'not the end record');
    }
    if (e.checkpoints !== this.checkpoints || e.entries !== this.entries) {
      this.fail(
        'count',
        `the end record counts ${String(e.entries)} entries and ${String(e.checkpoints)} checkpoints; the bundle holds ${this.entries} and ${this.checkpoints}`,
      );
    }
    this.ended = true;
  }

  /** The line being read has grown past what any record or entry can be. */
  tooLong(): never {
    this.lineNo++;
    this.fail('malformed', `longer than ${MAX_LINE} bytes: not a line of a bundle`);
  }

  /** The bundle's bytes ended inside a line (its newline missing). */
  cutShort(): never {
    this.lineNo++;
    return this.fail('truncated', 'the bundle ends inside this line, before its newline: it was cut short');
  }

  /** The report, once every line was given; fails when the bundle stops short. */
  finish(): VerifyReport {
    const interval = this.interval;
    if (!this.key) this.fail('truncated', 'the bundle is empty', { line: false });
    if (interval) {
      this.fail(
        'truncated',
        `the bundle ends after entry ${this.entries - 1}, inside checkpoint ${interval.number} (size ${interval.body.size})`,
        { checkpoint: interval.number, line: false },
      );
    }
    if (!this.ended)
      this.fail(
        'truncated',
        `the bundle ends at line ${this.lineNo} without its end record: it was cut short`,
        { line: false },
      );
    const entries = this.entries;
    const trusted = this.options.trusted;
    if (trusted && !this.trustedMatched && trusted.body.size > 0) {
      this.fail(
        'truncated',
        `the trusted checkpoint covers ${trusted.body.size} entries, the bundle holds only ${entries}: entries (and the checkpoints over them) were removed from its end, or it is older than the checkpoint`,
        { line: false },
      );
    }
    const covered = Math.max(this.previous.size, this.trustedMatched ? trusted!.body.size : 0);
    return {
      keyId: this.key!.keyId,
      origin: this.latest?.origin ?? trusted?.body.origin ?? null,
      entries,
      checkpoints: this.checkpoints,
      covered,
      uncovered: entries - covered,
      latest: this.latest,
      trusted: trusted ? { size: trusted.body.size } : null,
    };
  }
}

/** `, line …` naming an entry by its event id and type, when its bytes still read as one. */
function describeEntry(bytes: Buffer): string {
  try {
    const e = JSON.parse(bytes.toString('utf8')) as { id?: unknown; type?: unknown };
    if (typeof e.id === 'string' && typeof e.type === 'string')
      return ` (event ${e.id.slice(0, 36)}, ${e.type.slice(0, 40)})`;
  } catch {
    // not JSON any more: named by its index and line only
  }
  return '';
}

/** Verifies a bundle given as lines (each without its newline). */
export async function verifyLines(
  lines: AsyncIterable<Buffer>,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const verifier = new BundleVerifier(options);
  for await (const line of lines) verifier.line(line);
  return verifier.finish();
}

/**
 * Verifies a bundle given as chunks of its bytes, cut anywhere (a file read, a download): lines are
 * split on newlines as the chunks come; a last line without its newline means the bundle was cut.
 */
export async function verifyChunks(
  chunks: AsyncIterable<Buffer>,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const verifier = new BundleVerifier(options);
  let carry: Buffer | null = null;
  for await (const chunk of chunks) {
    let start = 0;
    let end = chunk.indexOf(NEWLINE, start);
    if (carry && end >= 0) {
      verifier.line(Buffer.concat([carry, chunk.subarray(0, end)]));
      carry = null;
      start = end + 1;
      end = chunk.indexOf(NEWLINE, start);
    }
    while (end >= 0) {
      verifier.line(chunk.subarray(start, end));
      start = end + 1;
      end = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) {
      carry = carry ? Buffer.concat([carry, chunk.subarray(start)]) : Buffer.from(chunk.subarray(start));
      if (carry.length > MAX_LINE) verifier.tooLong();
    }
  }
  if (carry) verifier.cutShort();
  return verifier.finish();
}

/**
 * Verifies a bundle file (`audit export`, `GET /audit/export`), read as a stream; `onBytes` hears how
 * far it got.
 */
export async function verifyBundle(
  file: string,
  options: VerifyOptions & { onBytes?: (bytes: number) => void } = {},
): Promise<VerifyReport> {
  async function* chunks(): AsyncGenerator<Buffer> {
    let read = 0;
    for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
      read += (chunk as Buffer).length;
      options.onBytes?.(read);
      yield chunk as Buffer;
    }
  }
  return verifyChunks(chunks(), options);
}
