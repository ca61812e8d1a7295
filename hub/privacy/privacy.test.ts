import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, SealedDataError, SubjectErasedError } from '../kernel/errors/index.js';
import { tempDir } from '../testing/temp.js';
import { SubjectKeyStore } from './key-store.js';
import { createPseudonymizer } from './pseudonym.js';
import { SubjectVault, seal, unseal } from './sealed.js';

describe('pseudonyms', () => {
  it('are stable per secret, differ across secrets and kinds, and never contain the identifier', () => {
    const a = createPseudonymizer(Buffer.alloc(32, 1));
    const b = createPseudonymizer(Buffer.alloc(32, 2));
    const p = a('citizen', '001099012345');
    expect(p).toMatch(/^[0-9a-f]{32}$/);
    expect(a('citizen', ' 001099012345 ')).toBe(p);
    expect(b('citizen', '001099012345')).not.toBe(p);
    expect(a('household', '001099012345')).not.toBe(p);
    expect(p).not.toContain('001099012345');
    expect(() => createPseudonymizer(Buffer.alloc(16))).toThrow(RangeError);
  });
});

describe('subject keys and sealed values', () => {
  let tmp: ReturnType<typeof tempDir>;
  let keys: SubjectKeyStore;
  let master: Buffer;
  beforeEach(() => {
    tmp = tempDir();
    master = randomBytes(32);
    keys = new SubjectKeyStore(path.join(tmp.dir, 'keys.db'), master);
  });
  afterEach(() => {
    keys.close();
    tmp.remove();
  });

  it('round-trips values and binds them to the subject and the context', () => {
    const vault = new SubjectVault(keys);
    const sealed = vault.seal('s1', 'population', { fullName: 'Nguyễn Thị Hoà' });
    expect(JSON.stringify(sealed)).not.toContain('Nguyễn');
    expect(vault.open('s1', 'population', sealed)).toEqual({ fullName: 'Nguyễn Thị Hoà' });
    expect(vault.seal('s1', 'population', { fullName: 'Nguyễn Thị Hoà' })).toEqual(sealed);
    expect(vault.seal('s1', 'population', { fullName: 'Nguyễn Thị Hòa' }).iv).not.toBe(sealed.iv);
    expect(vault.seal('s1', 'land', { fullName: 'Nguyễn Thị Hoà' }).iv).not.toBe(sealed.iv);
    expect(() => vault.open('s1', 'land', sealed)).toThrow(SealedDataError);
    const other = keys.keyFor('s2');
    expect(() => unseal(other, 's2', 'population', { ...sealed, kid: other.kid })).toThrow(SealedDataError);
    const tampered = { ...sealed, ct: Buffer.from('x').toString('base64url') + sealed.ct.slice(2) };
    expect(() => vault.open('s1', 'population', tampered)).toThrow(SealedDataError);
  });

  it('creates keys for many subjects in one transaction and reuses them', () => {
    const first = keys.ensureKeys(['a', 'b', 'c', 'a']);
    expect(first.size).toBe(3);
    expect(keys.ensureKeys(['a']).get('a')).toEqual(first.get('a'));
    const db = new Database(keys.file, { readonly: true });
    expect((db.prepare('SELECT count(*) AS n FROM subject_keys').get() as { n: number }).n).toBe(3);
    db.close();
  });

  it('resolves a batch: cached and stored keys reused, erased subjects reported and given no key', () => {
    const stored = keys.keyFor('stored');
    keys.erase('gone');
    const elsewhere = new SubjectKeyStore(keys.file, master);
    const { keys: found, erased } = elsewhere.resolveKeys(['stored', 'gone', 'new', 'new']);
    expect(found.get('stored')).toEqual(stored);
    expect(found.has('gone')).toBe(false);
    expect([...erased]).toEqual(['gone']);
    expect(keys.find('new')).toEqual(found.get('new'));
    expect(() => elsewhere.ensureKeys(['new', 'gone'])).toThrow(SubjectErasedError);
    elsewhere.close();
  });

  it('forgets a cached key once another connection erased the subject (from the next event-loop turn)', async () => {
    const key = keys.keyFor('cached');
    expect(keys.find('cached')).toEqual(key);
    const cli = new SubjectKeyStore(keys.file, master);
    expect(cli.erase('cached')).toBe(true);
    cli.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect(() => keys.find('cached')).toThrow(SubjectErasedError);
    expect(keys.resolveKeys(['cached']).erased.has('cached')).toBe(true);
  });

  it('keeps keys across restarts and refuses a wrong master key', () => {
    const sealed = seal(keys.keyFor('s1'), 's1', 'ctx', 42);
    keys.close();
    const again = new SubjectKeyStore(keys.file, master);
    expect(unseal(again.find('s1')!, 's1', 'ctx', sealed)).toBe(42);
    again.close();
    const wrong = new SubjectKeyStore(keys.file, randomBytes(32));
    expect(() => wrong.find('s1')).toThrow(SealedDataError);
    wrong.close();
    keys = new SubjectKeyStore(keys.file, randomBytes(32));
  });

  it('is bound to the secrets it was first opened with: another secret is refused by name, before any write', () => {
    const pseudonymSecret = randomBytes(32);
    const bound = (store: SubjectKeyStore, secret: Buffer, masterKey = master) =>
      store.bindSecrets([
        { name: 'pseudonym secret', variable: 'LIENTHONG_PSEUDONYM_SECRET', value: secret },
        { name: 'master key', variable: 'LIENTHONG_MASTER_KEY', value: masterKey },
      ]);
    bound(keys, pseudonymSecret);
    keys.keyFor('s1');
    bound(keys, pseudonymSecret);
    const other = randomBytes(32);
    const refused = (() => {
      try {
        bound(keys, other);
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(ConfigError);
    expect(refused).toMatchObject({ code: 'CONFIG_INVALID', variable: 'LIENTHONG_PSEUDONYM_SECRET' });
    const message = (refused as Error).message;
    expect(message).toContain('is not the pseudonym secret the data in');
    for (const secret of [other, pseudonymSecret]) {
      expect(message).not.toContain(secret.toString('base64'));
      expect(message).not.toContain(secret.toString('hex'));
    }
    expect(() => bound(keys, pseudonymSecret, randomBytes(32))).toThrow(
      /LIENTHONG_MASTER_KEY: is not the master key/,
    );
    const raw = new Database(keys.file, { readonly: true });
    const stored = raw.prepare('SELECT name, fingerprint FROM secret_fingerprints ORDER BY name').all() as {
      name: string;
      fingerprint: Buffer;
    }[];
    raw.close();
    expect(stored.map((r) => r.name)).toEqual(['master key', 'pseudonym secret']);
    for (const { fingerprint } of stored) {
      expect(fingerprint.equals(pseudonymSecret) || fingerprint.equals(master)).toBe(false);
    }
  });

  it('erases a subject for good: the key bytes leave the files and nothing opens any more', () => {
    const vault = new SubjectVault(keys);
    const key = keys.keyFor('victim');
    const sealed = vault.seal('victim', 'population', 'Trần Văn B');
    expect(keys.erase('victim')).toBe(true);
    expect(() => vault.open('victim', 'population', sealed)).toThrow(SubjectErasedError);
    expect(() => keys.keyFor('victim')).toThrow(SubjectErasedError);
    expect(keys.isErased('victim')).toBe(true);
    expect(keys.erase('never-seen')).toBe(false);
    expect(keys.isErased('never-seen')).toBe(true);
    for (const f of [keys.file, `${keys.file}-wal`]) {
      if (fs.existsSync(f)) expect(fs.readFileSync(f).includes(key.key)).toBe(false);
    }
  });
});
