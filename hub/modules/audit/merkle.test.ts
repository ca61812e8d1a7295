import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  EMPTY_ROOT,
  inclusionProof,
  leafHash,
  MerkleFrontier,
  type NodeSource,
  nodeHash,
  treeHead,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => Buffer.from(h, 'hex');

// The reference vectors published with RFC 6962's implementations (Certificate Transparency, the
// transparency-dev Merkle library): eight leaves, the head of every prefix, some proofs.
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
];
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
// [leaf number (1-based), tree size, audit path]
const INCLUSION: [number, number, string[]][] = [
  [1, 1, []],
  [
    1,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    6,
    8,
    [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [3, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [
    2,
    5,
    [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
];
// [first size, second size, proof]
const CONSISTENCY: [number, number, string[]][] = [
  [1, 1, []],
  [
    1,
    8,
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  ],
  [
    6,
    8,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
  [
    2,
    5,
    [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  ],
  [
    6,
    7,
    [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  ],
];

/** Perfect subtrees of a tree, kept as the projection keeps them: leaves, and each node the frontier completes. */
function storedTree(entries: readonly Uint8Array[]): { nodes: NodeSource; frontier: MerkleFrontier } {
  const stored = new Map<string, Buffer>();
  const frontier = new MerkleFrontier();
  entries.forEach((entry, i) => {
    const leaf = leafHash(entry);
    stored.set(`0/${i}`, leaf);
    frontier.append(leaf, (level, index, hash) => stored.set(`${level}/${index}`, hash));
  });
  const nodes: NodeSource = (level, index) => {
    const hash = stored.get(`${level}/${index}`);
    if (!hash) throw new Error(`no node ${level}/${index}`);
    return hash;
  };
  return { nodes, frontier };
}

// RFC 9162 §2.1 written out over the entries themselves, as a check on the stored-subtree version.
const split = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1);
function naiveHead(d: readonly Uint8Array[]): Buffer {
  if (d.length === 0) return createHash('sha256').digest();
  if (d.length === 1) return leafHash(d[0]!);
  const k = split(d.length);
  return nodeHash(naiveHead(d.slice(0, k)), naiveHead(d.slice(k)));
}
function naivePath(m: number, d: readonly Uint8Array[]): Buffer[] {
  if (d.length <= 1) return [];
  const k = split(d.length);
  return m < k
    ? [...naivePath(m, d.slice(0, k)), naiveHead(d.slice(k))]
    : [...naivePath(m - k, d.slice(k)), naiveHead(d.slice(0, k))];
}
function naiveSubproof(m: number, d: readonly Uint8Array[], complete: boolean): Buffer[] {
  if (m === d.length) return complete ? [] : [naiveHead(d)];
  const k = split(d.length);
  return m <= k
    ? [...naiveSubproof(m, d.slice(0, k), complete), naiveHead(d.slice(k))]
    : [...naiveSubproof(m - k, d.slice(k), false), naiveHead(d.slice(0, k))];
}

const flip = (b: Uint8Array, at = 0) => {
  const copy = Buffer.from(b);
  copy[at]! ^= 0x10;
  return copy;
};

describe('the RFC 6962 Merkle tree', () => {
  const entries = LEAVES.map(bytes);
  const { nodes, frontier } = storedTree(entries);

  it('gives the reference tree heads for every size, from stored subtrees and from the frontier', () => {
    expect(hex(treeHead(nodes, 0))).toBe(hex(EMPTY_ROOT));
    expect(hex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    for (const [i, root] of ROOTS.entries()) expect(hex(treeHead(nodes, i + 1)), `size ${i + 1}`).toBe(root);
    const grown = new MerkleFrontier();
    entries.forEach((entry, i) => {
      grown.append(leafHash(entry));
      expect(hex(grown.root())).toBe(ROOTS[i]);
    });
    expect(frontier.size).toBe(8);
  });

  it('gives the reference inclusion proofs, which verify, and refuses them altered', () => {
    for (const [leaf, size, path] of INCLUSION) {
      const proof = inclusionProof(nodes, leaf - 1, size);
      expect(proof.map(hex)).toEqual(path);
      const root = bytes(ROOTS[size - 1]!);
      const hash = leafHash(entries[leaf - 1]!);
      expect(verifyInclusion(leaf - 1, size, hash, proof, root)).toBe(true);
      expect(verifyInclusion(leaf, size, hash, proof, root)).toBe(false);
      expect(verifyInclusion(leaf - 1, size * 2, hash, proof, root)).toBe(false);
      expect(verifyInclusion(leaf - 1, size, flip(hash), proof, root)).toBe(false);
      expect(verifyInclusion(leaf - 1, size, hash, [...proof, root], root)).toBe(false);
      proof.forEach((_, i) => {
        const altered = proof.map((p, j) => (j === i ? flip(p, 31) : p));
        expect(verifyInclusion(leaf - 1, size, hash, altered, root)).toBe(false);
      });
      if (proof.length > 0)
        expect(verifyInclusion(leaf - 1, size, hash, proof.slice(0, -1), root)).toBe(false);
    }
  });

  it('gives the reference consistency proofs, which verify, and refuses them altered', () => {
    for (const [first, second, expected] of CONSISTENCY) {
      const proof = consistencyProof(nodes, first, second);
      expect(proof.map(hex)).toEqual(expected);
      const root1 = bytes(ROOTS[first - 1]!);
      const root2 = bytes(ROOTS[second - 1]!);
      expect(verifyConsistency(first, second, proof, root1, root2)).toBe(true);
      if (proof.length === 0) continue;
      expect(verifyConsistency(first, second, proof, root2, root1)).toBe(false);
      expect(verifyConsistency(first - 1, second, proof, root1, root2)).toBe(false);
      expect(verifyConsistency(first, second * 2, proof, root1, root2)).toBe(false);
      expect(verifyConsistency(first, second, [], root1, root2)).toBe(false);
      expect(verifyConsistency(first, second, proof.slice(0, -1), root1, root2)).toBe(false);
      expect(verifyConsistency(first, second, [...proof, root1], root1, root2)).toBe(false);
      expect(verifyConsistency(first, second, [root1, ...proof], root1, root2)).toBe(false);
      proof.forEach((_, i) => {
        const altered = proof.map((p, j) => (j === i ? flip(p) : p));
        expect(verifyConsistency(first, second, altered, root1, root2)).toBe(false);
      });
    }
  });

  it('agrees with the recursive definition for every size and leaf up to 40, and every proof verifies', () => {
    const many = Array.from({ length: 40 }, (_, i) => Buffer.from(`entry ${i} ${'x'.repeat(i)}`));
    const tree = storedTree(many);
    for (let n = 1; n <= many.length; n++) {
      const d = many.slice(0, n);
      const head = naiveHead(d);
      expect(hex(treeHead(tree.nodes, n))).toBe(hex(head));
      for (let m = 0; m < n; m++) {
        const path = inclusionProof(tree.nodes, m, n);
        expect(path.map(hex)).toEqual(naivePath(m, d).map(hex));
        expect(verifyInclusion(m, n, leafHash(d[m]!), path, head)).toBe(true);
        expect(verifyInclusion(m, n, leafHash(d[(m + 1) % n]!), path, head)).toBe(n === 1);
      }
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(tree.nodes, m, n);
        expect(proof.map(hex)).toEqual((m === n ? [] : naiveSubproof(m, d, true)).map(hex));
        const head1 = naiveHead(many.slice(0, m));
        expect(verifyConsistency(m, n, proof, head1, head)).toBe(true);
        if (m < n) {
          expect(verifyConsistency(m, n, proof, flip(head1), head)).toBe(false);
          expect(verifyConsistency(m, n, proof, head1, flip(head))).toBe(false);
        }
      }
    }
    expect(verifyConsistency(0, 5, [], EMPTY_ROOT, treeHead(tree.nodes, 5))).toBe(true);
    expect(verifyConsistency(0, 5, [EMPTY_ROOT], EMPTY_ROOT, treeHead(tree.nodes, 5))).toBe(false);
    expect(verifyConsistency(6, 5, [], EMPTY_ROOT, EMPTY_ROOT)).toBe(false);
  });
});
