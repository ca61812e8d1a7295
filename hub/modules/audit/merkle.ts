/**
 * The Merkle tree of RFC 6962 / RFC 9162 §2.1 over SHA-256: leaf = SHA-256(0x00 ‖ entry), interior
 * node = SHA-256(0x01 ‖ left ‖ right), the tree of n leaves split at the largest power of two below
 * n. Tree heads for any size, inclusion and consistency proofs built from stored perfect subtrees
 * (`NodeSource`), their verification as RFC 9162 §2.1.3.2 and §2.1.4.2 give it, and `MerkleFrontier`:
 * the tree grown one leaf at a time, keeping only the O(log n) subtrees on its right edge.
 *
 * Sizes and indexes are plain numbers (safe up to 2^53); no bitwise operator is used on them.
 */
import { createHash, hash } from 'node:crypto';

export const HASH_BYTES = 32;
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** The tree head of the empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

export const leafHash = (entry: Uint8Array): Buffer =>
  createHash('sha256').update(LEAF_PREFIX).update(entry).digest();

/** 0x01 ‖ left ‖ right, reused: one interior node is hashed per leaf, so no allocation there. */
const pair = Buffer.alloc(1 + 2 * HASH_BYTES, NODE_PREFIX);

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== HASH_BYTES || right.length !== HASH_BYTES) {
    return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
  }
  pair.set(left, 1);
  pair.set(right, 1 + HASH_BYTES);
  return hash('sha256', pair, 'buffer');
}

/**
 * The hash of the perfect subtree of 2^level leaves whose leftmost leaf is `index · 2^level`
 * (level 0: the leaf hashes). Proofs and tree heads read only subtrees that exist in the tree.
 */
export type NodeSource = (level: number, index: number) => Buffer;

/** The largest power of two smaller than n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** log2 of n when n is a power of two, else -1. */
function levelOf(n: number): number {
  let level = 0;
  let k = 1;
  while (k < n) {
    k *= 2;
    level++;
  }
  return k === n ? level : -1;
}

/**
 * MTH(D[lo:hi]): the head of the tree over leaves lo…hi-1, from the perfect subtrees it splits into
 * (O(log n) reads for ranges that start on a subtree boundary, as every range of a proof does).
 */
export function subtreeHash(nodes: NodeSource, lo: number, hi: number): Buffer {
  const n = hi - lo;
  if (n <= 0) return EMPTY_ROOT;
  const level = levelOf(n);
  if (level >= 0 && lo % n === 0) return nodes(level, lo / n);
  const k = splitPoint(n);
  return nodeHash(subtreeHash(nodes, lo, lo + k), subtreeHash(nodes, lo + k, hi));
}

/** The tree head of the first `size` leaves. */
export const treeHead = (nodes: NodeSource, size: number): Buffer => subtreeHash(nodes, 0, size);

/** PATH(index, D[0:size]) of RFC 9162 §2.1.3.1: the audit path of one leaf, leaf side first. */
export function inclusionProof(nodes: NodeSource, index: number, size: number): Buffer[] {
  if (!(index >= 0 && index < size)) throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
  const path: Buffer[] = [];
  const walk = (lo: number, hi: number) => {
    if (hi - lo <= 1) return;
    const k = splitPoint(hi - lo);
    if (index < lo + k) {
      walk(lo, lo + k);
      path.push(subtreeHash(nodes, lo + k, hi));
    } else {
      walk(lo + k, hi);
      path.push(subtreeHash(nodes, lo, lo + k));
    }
  };
  walk(0, size);
  return path;
}

/** PROOF(first, D[0:second]) of RFC 9162 §2.1.4.1; empty when first is 0 or equals second. */
export function consistencyProof(nodes: NodeSource, first: number, second: number): Buffer[] {
  if (!(first >= 0 && first <= second))
    throw new RangeError(`no consistency proof from ${first} to ${second}`);
  const proof: Buffer[] = [];
  if (first === 0 || first === second) return proof;
  const sub = (m: number, lo: number, hi: number, complete: boolean) => {
    const n = hi - lo;
    if (m === n) {
      if (!complete) proof.push(subtreeHash(nodes, lo, hi));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      sub(m, lo, lo + k, complete);
      proof.push(subtreeHash(nodes, lo + k, hi));
    } else {
      sub(m - k, lo + k, hi, false);
      proof.push(subtreeHash(nodes, lo, lo + k));
    }
  };
  sub(first, 0, second, true);
  return proof;
}

const odd = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);

/** RFC 9162 §2.1.3.2: whether `proof` shows the leaf at `index` in the tree of `size` with head `root`. */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!(index >= 0 && index < size) || leaf.length !== HASH_BYTES) return false;
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0 || p.length !== HASH_BYTES) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else r = nodeHash(r, p);
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && Buffer.from(r).equals(root);
}

/**
 * RFC 9162 §2.1.4.2: whether `proof` shows the tree of `second` leaves (head `root2`) extends the tree
 * of `first` leaves (head `root1`). From 0, or between equal sizes with equal heads, only an empty
 * proof is right.
 */
export function verifyConsistency(
  first: number,
  second: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  if (!(first >= 0 && first <= second)) return false;
  if (first === second) return proof.length === 0 && Buffer.from(root1).equals(root2);
  if (first === 0) return proof.length === 0;
  if (proof.length === 0 || proof.some((p) => p.length !== HASH_BYTES)) return false;
  const path = levelOf(first) >= 0 ? [root1, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Uint8Array = path[0]!;
  let sr: Uint8Array = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else sr = nodeHash(sr, c);
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && Buffer.from(fr).equals(root1) && Buffer.from(sr).equals(root2);
}

/**
 * The tree grown leaf by leaf: the perfect subtrees of its right edge (one per set bit of the size,
 * largest first). `append` is amortised O(1) hashes; `root` is O(log n).
 */
export class MerkleFrontier {
  private readonly hashes: Buffer[] = [];
  private readonly levels: number[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds a leaf hash; `onNode` sees every perfect subtree it completes (level ≥ 1, index, hash). */
  append(leaf: Buffer, onNode?: (level: number, index: number, hash: Buffer) => void): void {
    let hash = leaf;
    let level = 0;
    let index = this.count;
    while (this.levels.length > 0 && this.levels[this.levels.length - 1] === level) {
      hash = nodeHash(this.hashes.pop()!, hash);
      this.levels.pop();
      level++;
      index = half(index);
      onNode?.(level, index, hash);
    }
    this.hashes.push(hash);
    this.levels.push(level);
    this.count++;
  }

  /** A frontier of its own from this one's state. */
  clone(): MerkleFrontier {
    const copy = new MerkleFrontier();
    copy.hashes.push(...this.hashes);
    copy.levels.push(...this.levels);
    copy.count = this.count;
    return copy;
  }

  /** The tree head of the leaves appended so far. */
  root(): Buffer {
    if (this.hashes.length === 0) return EMPTY_ROOT;
    let root = this.hashes[this.hashes.length - 1]!;
    for (let i = this.hashes.length - 2; i >= 0; i--) root = nodeHash(this.hashes[i]!, root);
    return root;
  }
}
