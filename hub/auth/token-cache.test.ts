import { describe, expect, it } from 'vitest';
import type { Principal } from '../kernel/principal.js';
import { type CachedToken, TokenCache } from './token-cache.js';

const entry = (expiresAt: number): CachedToken => ({
  principal: {
    agency: '000.00.01.H01',
    role: 'consumer',
    official: 'o-1',
    tokenId: 't',
    expiresAt,
  } as Principal,
  agencyRevision: 3,
  issuer: 'https://agency.example',
});

describe('TokenCache', () => {
  it('returns a token until it expires, then forgets it', () => {
    const cache = new TokenCache(10);
    cache.set('a', entry(1_000), 900);
    expect(cache.get('a', 999)?.agencyRevision).toBe(3);
    expect(cache.get('a', 1_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('never stores an already expired token', () => {
    const cache = new TokenCache(10);
    cache.set('a', entry(100), 100);
    expect(cache.size).toBe(0);
  });

  it('stays bounded and drops the least recently used token first', () => {
    const cache = new TokenCache(3);
    for (const key of ['a', 'b', 'c']) cache.set(key, entry(1_000), 0);
    cache.get('a', 1);
    cache.set('d', entry(1_000), 2);
    expect(cache.size).toBe(3);
    expect(cache.get('b', 3)).toBeUndefined();
    expect(cache.get('a', 3)).toBeDefined();
    for (let i = 0; i < 100_000; i++) cache.set(`k${i}`, entry(1_000), 4);
    expect(cache.size).toBe(3);
  });

  it('caches nothing when sized zero', () => {
    const cache = new TokenCache(0);
    cache.set('a', entry(1_000), 0);
    expect(cache.get('a', 1)).toBeUndefined();
  });
});
