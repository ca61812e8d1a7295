import { describe, expect, it } from 'vitest';
import { HubDirectory } from './directory.js';
import { type OrganRegistry, routeTo, upwardHub } from './routing.js';

interface Organ {
  parent?: string;
  validFrom: string;
  validUntil?: string;
  successor?: string;
}

/** The registry as the agencies read model answers it, over a table of organs. */
function registryOf(organs: Record<string, Organ>): OrganRegistry {
  return {
    parentOf: (code) => organs[code]?.parent,
    resolve(code, onDate) {
      const hops: { from: string; to: string; on: string }[] = [];
      let current: string | undefined = code;
      while (current) {
        const o: Organ | undefined = organs[current];
        if (!o) throw new Error(`unknown ${current}`);
        if (o.validFrom <= onDate && (o.validUntil === undefined || onDate < o.validUntil)) {
          return { organCode: current, hops };
        }
        if (!o.successor || o.validUntil === undefined || onDate < o.validUntil) break;
        hops.push({ from: current, to: o.successor, on: o.validUntil });
        current = o.successor;
      }
      return { hops };
    },
  };
}

// Ministry M (central); Hanoi People's Committee H; old district D under H (abolished 1 July 2025,
// succeeded by ward W); old commune C under D (merged into W); ward W under H; Huế's committee T
// with its ward X.
const registry = registryOf({
  M: { validFrom: '2008-01-01' },
  H: { validFrom: '2008-01-01' },
  D: { parent: 'H', validFrom: '2008-01-01', validUntil: '2025-07-01', successor: 'W' },
  C: { parent: 'D', validFrom: '2008-01-01', validUntil: '2025-07-01', successor: 'W' },
  W: { parent: 'H', validFrom: '2025-07-01' },
  T: { validFrom: '2008-01-01' },
  X: { parent: 'T', validFrom: '2025-07-01' },
});
const hub = (hubId: string, organs: string[], root = false) => ({
  hubId,
  name: hubId,
  url: `http://${hubId}.test`,
  root,
  organs,
  keys: 'self' as const,
});
const directory = new HubDirectory([
  hub('central', ['M'], true),
  hub('hanoi', ['H']),
  hub('district', ['D']),
  hub('ward', ['W', 'C']),
  hub('hue', ['T']),
]);

/** Follows the decisions hub by hub until one delivers; returns the hubs passed. */
function walk(
  from: string,
  organCode: string,
  onDate: string,
): { path: string[]; organ: string; hops: unknown[] } {
  const path = [from];
  for (let i = 0; i < 10; i++) {
    const d = routeTo(directory, registry, { selfHubId: path.at(-1)!, organCode, onDate });
    if (d.action === 'deliver') return { path, organ: d.organCode, hops: d.successorHops };
    path.push(d.hubId);
  }
  throw new Error('no delivery within 10 hops');
}

describe('routing along the levels in force on the document date', () => {
  it('goes central → province → commune after the reform (three levels)', () => {
    expect(walk('central', 'W', '2026-03-02')).toEqual({
      path: ['central', 'hanoi', 'ward'],
      organ: 'W',
      hops: [],
    });
  });

  it('goes through the district for a document dated before 1 July 2025 (four levels)', () => {
    expect(walk('central', 'C', '2025-03-02').path).toEqual(['central', 'hanoi', 'district', 'ward']);
  });

  it('sends what is addressed to an abolished district to its successor, with the hop', () => {
    expect(walk('central', 'D', '2026-03-02')).toEqual({
      path: ['central', 'hanoi', 'ward'],
      organ: 'W',
      hops: [{ from: 'D', to: 'W', on: '2025-07-01' }],
    });
  });

  it('delivers an old document to the successor of an organ abolished since, with the hop', () => {
    expect(
      routeTo(directory, registry, {
        selfHubId: 'ward',
        organCode: 'C',
        onDate: '2025-03-02',
        today: '2026-03-02',
      }),
    ).toEqual({
      addressed: 'C',
      organCode: 'W',
      successorHops: [{ from: 'C', to: 'W', on: '2025-07-01' }],
      action: 'deliver',
      hubId: 'ward',
    });
  });

  it('climbs from a commune to central for a ministry (statuses going back)', () => {
    expect(walk('ward', 'M', '2026-03-02').path).toEqual(['ward', 'hanoi', 'central']);
    expect(walk('district', 'M', '2025-03-02').path).toEqual(['district', 'hanoi', 'central']);
  });

  it('crosses provinces through central', () => {
    expect(walk('ward', 'X', '2026-03-02').path).toEqual(['ward', 'hanoi', 'central', 'hue']);
  });

  it('serves an unlisted organ from its nearest listed ancestor, else the root', () => {
    const withChild = registryOf({
      ...{ H: { validFrom: '2008-01-01' } },
      S: { parent: 'H', validFrom: '2020-01-01' },
    });
    expect(
      routeTo(directory, withChild, { selfHubId: 'hanoi', organCode: 'S', onDate: '2026-01-01' }),
    ).toMatchObject({
      action: 'deliver',
    });
    const orphan = registryOf({ Z: { validFrom: '2020-01-01' } });
    expect(
      routeTo(directory, orphan, { selfHubId: 'hanoi', organCode: 'Z', onDate: '2026-01-01' }),
    ).toMatchObject({
      action: 'forward',
      hubId: 'central',
    });
    expect(upwardHub(directory, registry, 'central')).toBeUndefined();
  });

  it('refuses an organ not in force on the day with no successor', () => {
    const gone = registryOf({ Q: { validFrom: '2008-01-01', validUntil: '2020-01-01' } });
    expect(() =>
      routeTo(directory, gone, { selfHubId: 'central', organCode: 'Q', onDate: '2026-01-01' }),
    ).toThrow(expect.objectContaining({ code: 'EXCHANGE_NO_ROUTE' }));
  });

  it('refuses a directory with two roots or an organ listed twice', () => {
    expect(() => new HubDirectory([hub('a', [], true), hub('b', [], true)])).toThrow(
      expect.objectContaining({ code: 'EXCHANGE_DIRECTORY_INVALID' }),
    );
    expect(() => new HubDirectory([hub('a', ['M'], true), hub('b', ['M'])])).toThrow(
      expect.objectContaining({ code: 'EXCHANGE_DIRECTORY_INVALID', path: '/hubs/1/organs/0' }),
    );
  });
});
