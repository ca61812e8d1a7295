import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SubjectKeyStore } from '../../privacy/key-store.js';
import { tempDir } from '../../testing/temp.js';
import { DirectoryBlobStore, sha256Hex } from './blob-store.js';
import { openContent, sealContent } from './sealed-content.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir('lt-blobs-');
});
afterEach(() => tmp.remove());

const filesUnder = (dir: string): string[] =>
  fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));

describe('the directory blob store', () => {
  it('stores bytes under their SHA-256, sharded by prefix, and reads them back', async () => {
    const blobs = new DirectoryBlobStore(path.join(tmp.dir, 'documents'));
    const bytes = Buffer.from('%PDF-1.7 a dossier component');
    const hash = await blobs.put(bytes);
    expect(hash).toBe(sha256Hex(bytes));
    const file = path.join(tmp.dir, 'documents', hash.slice(0, 2), hash.slice(2, 4), hash);
    expect(fs.readFileSync(file)).toEqual(bytes);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(await blobs.get(hash)).toEqual(bytes);
    expect(await blobs.get(sha256Hex(Buffer.from('other')))).toBeUndefined();
    // nothing left behind but the blob itself
    expect(filesUnder(path.join(tmp.dir, 'documents'))).toEqual([file]);
  });

  it('stores the same bytes once, replaces a damaged copy, and lists what it holds', async () => {
    const blobs = new DirectoryBlobStore(tmp.dir);
    const a = await blobs.put(Buffer.from('a'));
    const b = await blobs.put(Buffer.from('b'));
    const file = blobs.pathOf(a);
    const before = fs.statSync(file).mtimeMs;
    expect(await blobs.put(Buffer.from('a'))).toBe(a);
    expect(fs.statSync(file).mtimeMs).toBe(before);
    fs.writeFileSync(file, 'damaged');
    await blobs.put(Buffer.from('a'));
    expect(fs.readFileSync(file, 'utf8')).toBe('a');
    const listed: string[] = [];
    for await (const hash of blobs.list()) listed.push(hash);
    expect(listed.sort()).toEqual([a, b].sort());
  });

  it('refuses addresses that are not SHA-256 hex (no path outside the store)', async () => {
    const blobs = new DirectoryBlobStore(tmp.dir);
    await expect(blobs.get('../../etc/passwd')).rejects.toThrow(RangeError);
    expect(() => blobs.pathOf('A'.repeat(64))).toThrow(RangeError);
  });
});

describe('sealed content', () => {
  it("encrypts under the subject's key, bound to the subject and the content hash", () => {
    const keys = new SubjectKeyStore(path.join(tmp.dir, 'keys.db'), randomBytes(32));
    try {
      const content = Buffer.from('{"giấy khai sinh":"Nguyễn Văn An"}');
      const key = keys.keyFor('s1');
      const sealed = sealContent(key, 's1', content);
      expect(sealed.contentHash).toBe(sha256Hex(content));
      expect(sealed.blobHash).toBe(sha256Hex(sealed.blob));
      expect(sealed.blob.includes(content)).toBe(false);
      expect(sealed.blob.toString('utf8')).not.toContain('Nguyễn');
      // the same content of the same subject gives the same blob (retries store nothing new)
      expect(sealContent(key, 's1', content).blob).toEqual(sealed.blob);
      expect(openContent(key, 's1', sealed.contentHash, sealed.blob)).toEqual(content);
      expect(openContent(key, 's2', sealed.contentHash, sealed.blob)).toBeUndefined();
      expect(openContent(key, 's1', sha256Hex(Buffer.from('x')), sealed.blob)).toBeUndefined();
      expect(openContent(keys.keyFor('s2'), 's1', sealed.contentHash, sealed.blob)).toBeUndefined();
      const flipped = Buffer.from(sealed.blob);
      flipped[flipped.length - 1]! ^= 1;
      expect(openContent(key, 's1', sealed.contentHash, flipped)).toBeUndefined();
      expect(openContent(key, 's1', sealed.contentHash, content)).toBeUndefined();
    } finally {
      keys.close();
    }
  });
});
