/**
 * The export bundle: one file of lines (NDJSON), written and read as a stream, so a log of millions
 * of entries never has to fit in memory. Every line is RFC 8785 canonical JSON:
 *
 * 1. `{"manifest":{…}}` — the format, how entries and the tree are made, the hub's public key (JWK);
 * 2. for each signed checkpoint, oldest first:
 *    - `{"checkpoint":{at, keyId, origin, rootHash, signature, size},"consistency":{"from":m,"hashes":[…]}}`
 *      — the checkpoint and the RFC 9162 consistency proof from the previous one (m entries);
 *    - `{"leaves":{"from":i,"hashes":"…"}}` — the leaf hashes of the entries it adds, up to
 *      `LEAVES_PER_LINE` a line, base64 of their 32-byte hashes one after another;
 *    - the entries it adds, one a line: the very bytes hashed into the leaves;
 * 3. the entries after the last checkpoint (covered by no signature yet);
 * 4. `{"end":{"checkpoints":c,"entries":n}}`.
 *
 * A checkpoint comes before its entries so that a reader checks its signature, the consistency
 * proof and the leaf hashes against its tree head first, and then each entry against its leaf as it
 * streams by: an altered entry is named exactly, holding in memory only one checkpoint's leaves.
 */
import { canonicalJson } from './canonical-json.js';
import type { PublicJwk } from './checkpoint-note.js';
import type { AuditCheckpointSignedData } from './events.js';

export const BUNDLE_FORMAT = 'lienthong-audit-bundle/1';
/** Leaf hashes a `leaves` line holds at most. */
export const LEAVES_PER_LINE = 1024;

/** The manifest's fixed members: what a reader must understand to verify the bundle. */
export const MANIFEST_TERMS = {
  format: BUNDLE_FORMAT,
  entry: 'RFC 8785 canonical JSON of {data,id,metadata,revision,stream,type}, one line',
  tree: 'RFC 6962 Merkle tree, SHA-256: leaf SHA-256(0x00||entry), node SHA-256(0x01||left||right)',
  checkpoint: 'C2SP tlog-checkpoint signed note, Ed25519, extension line "time <ISO-8601>"',
} as const;

/** A checkpoint as the bundle carries it. */
export type BundleCheckpoint = AuditCheckpointSignedData;

/** What a bundle is written from. */
export interface BundleSource {
  key: PublicJwk;
  /** Signed checkpoints, smallest size first. */
  checkpoints: readonly BundleCheckpoint[];
  /** RFC 9162 consistency proof between two sizes of the tree. */
  consistency(first: number, second: number): Buffer[];
  /** Leaf hashes of entries from…to-1 as the tree holds them. */
  leaves(from: number, to: number): Buffer[];
  /** The entries' bytes, in log order. */
  entries: AsyncIterable<Buffer>;
}

const NEWLINE = Buffer.from('\n');
const line = (value: unknown): Buffer => Buffer.from(`${canonicalJson(value)}\n`, 'utf8');

export const manifestLine = (key: PublicJwk): Buffer => line({ manifest: { ...MANIFEST_TERMS, key } });

export function checkpointLine(c: BundleCheckpoint, from: number, hashes: readonly Buffer[]): Buffer {
  const { origin, size, rootHash, at, keyId, signature } = c;
  return line({
    checkpoint: { origin, size, rootHash, at, keyId, signature },
    consistency: { from, hashes: hashes.map((h) => h.toString('base64')) },
  });
}

export const leavesLine = (from: number, hashes: readonly Buffer[]): Buffer =>
  line({ leaves: { from, hashes: Buffer.concat(hashes).toString('base64') } });

export const endLine = (checkpoints: number, entries: number): Buffer =>
  line({ end: { checkpoints, entries } });

/**
 * The bundle's lines. Entries are taken from `source.entries` as they come; when the store holds
 * fewer than a checkpoint covers, the bundle says so by what it lacks (the verifier names it).
 */
export async function* bundleLines(source: BundleSource): AsyncGenerator<Buffer> {
  yield manifestLine(source.key);
  const entries = source.entries[Symbol.asyncIterator]();
  let written = 0;
  let previous = 0;
  let exhausted = false;
  const next = async (): Promise<Buffer | undefined> => {
    if (exhausted) return undefined;
    const item = await entries.next();
    if (item.done) exhausted = true;
    return item.done ? undefined : item.value;
  };
  for (const checkpoint of source.checkpoints) {
    yield checkpointLine(checkpoint, previous, source.consistency(previous, checkpoint.size));
    for (let from = previous; from < checkpoint.size; from += LEAVES_PER_LINE) {
      yield leavesLine(from, source.leaves(from, Math.min(from + LEAVES_PER_LINE, checkpoint.size)));
    }
    while (written < checkpoint.size) {
      const entry = await next();
      if (!entry) break;
      yield Buffer.concat([entry, NEWLINE]);
      written++;
    }
    previous = checkpoint.size;
  }
  for (let entry = await next(); entry; entry = await next()) {
    yield Buffer.concat([entry, NEWLINE]);
    written++;
  }
  yield endLine(source.checkpoints.length, written);
}

/** Lines gathered into chunks of about `bytes` (fewer, larger writes to a file or a socket). */
export async function* chunked(lines: AsyncIterable<Buffer>, bytes = 1 << 18): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let size = 0;
  for await (const l of lines) {
    parts.push(l);
    size += l.length;
    if (size >= bytes) {
      yield Buffer.concat(parts, size);
      parts = [];
      size = 0;
    }
  }
  if (size > 0) yield Buffer.concat(parts, size);
}
