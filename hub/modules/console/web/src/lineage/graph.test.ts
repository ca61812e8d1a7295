import { describe, expect, it } from 'vitest';
import {
  drawnKind,
  edgeKey,
  type LineageGraph,
  type LineageNode,
  mergeGraphs,
  pathBetween,
  readingOrder,
} from './graph.ts';

const node = (id: string, more = false): LineageNode => ({
  id,
  kind: id.split(':')[0]!.toUpperCase(),
  label: id,
  at: null,
  attributes: [],
  more,
});
const edge = (from: string, to: string, relation = 'came-from') => ({ from, to, relation });

/** A field released twice, each release from a record event; the records synced by one run. */
const root: LineageGraph = {
  root: 'field:p/population/fullName',
  nodes: [node('field:p/population/fullName'), node('access:a1', true), node('access:a2', true)],
  edges: [
    edge('access:a1', 'field:p/population/fullName', 'released'),
    edge('access:a2', 'field:p/population/fullName', 'released'),
  ],
};
const aroundA1: LineageGraph = {
  root: 'access:a1',
  nodes: [node('access:a1'), node('field:p/population/fullName', true), node('record:r1', true)],
  edges: [edge('access:a1', 'field:p/population/fullName', 'released'), edge('access:a1', 'record:r1')],
};
const aroundR1: LineageGraph = {
  root: 'record:r1',
  nodes: [node('record:r1'), node('access:a1', true), node('run:s1', true)],
  edges: [edge('access:a1', 'record:r1'), edge('record:r1', 'run:s1', 'synced-by')],
};

describe('lineage graphs in the console', () => {
  it('merges expansions: each node and edge once, expanded nodes no longer expandable', () => {
    const merged = mergeGraphs(root, [
      ['access:a1', aroundA1],
      ['record:r1', aroundR1],
    ]);
    expect(merged.root).toBe(root.root);
    expect(merged.nodes.map((n) => n.id).sort()).toEqual(
      ['access:a1', 'access:a2', 'field:p/population/fullName', 'record:r1', 'run:s1'].sort(),
    );
    expect(merged.edges.map(edgeKey).sort()).toEqual(
      [...root.edges, edge('access:a1', 'record:r1'), edge('record:r1', 'run:s1', 'synced-by')]
        .map(edgeKey)
        .sort(),
    );
    const more = Object.fromEntries(merged.nodes.map((n) => [n.id, n.more]));
    // the root was whole in its own graph; a1 and r1 were expanded; a2 and the run were not
    expect(more).toEqual({
      'field:p/population/fullName': false,
      'access:a1': false,
      'access:a2': true,
      'record:r1': false,
      'run:s1': true,
    });
    expect(mergeGraphs(root, []).nodes.find((n) => n.id === 'access:a1')!.more).toBe(true);
  });

  it('finds the path from the root to a node, following edges either way', () => {
    const merged = mergeGraphs(root, [
      ['access:a1', aroundA1],
      ['record:r1', aroundR1],
    ]);
    const path = pathBetween(merged, merged.root, 'run:s1');
    expect([...path.nodes].sort()).toEqual(
      ['access:a1', 'field:p/population/fullName', 'record:r1', 'run:s1'].sort(),
    );
    expect([...path.edges].sort()).toEqual(
      [
        edge('access:a1', 'field:p/population/fullName', 'released'),
        edge('access:a1', 'record:r1'),
        edge('record:r1', 'run:s1', 'synced-by'),
      ]
        .map(edgeKey)
        .sort(),
    );
    expect(pathBetween(merged, merged.root, merged.root).nodes).toEqual(new Set([merged.root]));
    expect(pathBetween(merged, merged.root, undefined).nodes.size).toBe(0);
    expect(pathBetween(merged, merged.root, 'nowhere').nodes.size).toBe(0);
  });

  it('draws the kinds it knows, by kind or by id, and anything else as OTHER', () => {
    expect(drawnKind({ id: 'record:x', kind: 'RECORD' })).toBe('RECORD');
    expect(drawnKind({ id: 'source:db/t/1', kind: 'source' })).toBe('SOURCE');
    expect(drawnKind({ id: 'hop:h/k/d', kind: 'SOMETHING_NEW' })).toBe('HOP');
    expect(drawnKind({ id: 'x:1', kind: 'SOMETHING_NEW' })).toBe('OTHER');
  });

  it('lists nodes in reading order: the root, then ring by ring, then the unreached', () => {
    const graph = mergeGraphs(root, [['access:a1', aroundA1]]);
    const withStray = { ...graph, nodes: [node('consent:c9'), ...graph.nodes] };
    expect(readingOrder(withStray).map((n) => n.id)).toEqual([
      'field:p/population/fullName',
      'access:a1',
      'access:a2',
      'record:r1',
      'consent:c9',
    ]);
  });
});
