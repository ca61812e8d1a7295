/** A lineage graph as the API returns it (`LineageGraph`). */
export interface LineageNode {
  id: string;
  kind: string;
  label: string;
  at: string | null;
  attributes: { name: string; value: string }[];
  /** It has neighbours not included at this depth. */
  more: boolean;
}

export interface LineageEdge {
  from: string;
  to: string;
  relation: string;
}

export interface LineageGraph {
  root: string;
  nodes: LineageNode[];
  edges: LineageEdge[];
}

export const edgeKey = (edge: LineageEdge) => `${edge.from}\u0000${edge.to}\u0000${edge.relation}`;

/**
 * The root's graph with the expansions added, in order. A node is still expandable (`more`) only
 * if every part that holds it says so and it was not expanded itself: a part in which it is not at
 * the edge holds all its neighbours.
 */
export function mergeGraphs(root: LineageGraph, expansions: readonly (readonly [string, LineageGraph])[]) {
  const nodes = new Map<string, LineageNode>();
  const edges = new Map<string, LineageEdge>();
  const expanded = new Set(expansions.map(([id]) => id));
  for (const part of [root, ...expansions.map(([, graph]) => graph)]) {
    for (const node of part.nodes) {
      const known = nodes.get(node.id);
      nodes.set(node.id, known ? { ...known, more: known.more && node.more } : node);
    }
    for (const edge of part.edges) edges.set(edgeKey(edge), edge);
  }
  for (const id of expanded) {
    const node = nodes.get(id);
    if (node) nodes.set(id, { ...node, more: false });
  }
  return { root: root.root, nodes: [...nodes.values()], edges: [...edges.values()] } satisfies LineageGraph;
}

/**
 * The shortest path from `from` to `to`, edges taken either way (lineage runs both from a value to
 * its source and from a source to its uses): its nodes and edges; empty when there is none.
 */
export function pathBetween(graph: LineageGraph, from: string, to: string | undefined) {
  const nodes = new Set<string>();
  const edges = new Set<string>();
  if (to === undefined) return { nodes, edges };
  const neighbours = new Map<string, [string, LineageEdge][]>();
  const link = (a: string, b: string, edge: LineageEdge) => {
    const list = neighbours.get(a) ?? [];
    list.push([b, edge]);
    neighbours.set(a, list);
  };
  for (const edge of graph.edges) {
    link(edge.from, edge.to, edge);
    link(edge.to, edge.from, edge);
  }
  const came = new Map<string, [string, LineageEdge] | null>([[from, null]]);
  const queue = [from];
  while (queue.length > 0 && !came.has(to)) {
    const at = queue.shift()!;
    for (const [next, edge] of neighbours.get(at) ?? []) {
      if (came.has(next)) continue;
      came.set(next, [at, edge]);
      queue.push(next);
    }
  }
  if (!came.has(to)) return { nodes, edges };
  for (let at: string | undefined = to; at !== undefined; ) {
    nodes.add(at);
    const step: [string, LineageEdge] | null | undefined = came.get(at);
    if (!step) break;
    edges.add(edgeKey(step[1]));
    at = step[0];
  }
  return { nodes, edges };
}

/** The node kinds the console knows how to draw; anything else is drawn as `OTHER`. */
export const NODE_KINDS = [
  'FIELD',
  'ACCESS',
  'RECORD',
  'RUN',
  'SOURCE',
  'CONSENT',
  'CONTRACT',
  'DOSSIER',
  'COMPONENT',
  'DOCUMENT',
  'HOP',
] as const;

/** A node's kind as drawn: the API's (any letter case), or the prefix of its id (`record:…`). */
export function drawnKind(node: Pick<LineageNode, 'id' | 'kind'>): string {
  const kind = node.kind.toUpperCase().replace(/-/g, '_');
  if ((NODE_KINDS as readonly string[]).includes(kind)) return kind;
  const prefix = node.id.split(':', 1)[0]!.toUpperCase();
  return (NODE_KINDS as readonly string[]).includes(prefix) ? prefix : 'OTHER';
}

/** Nodes in the order a reader meets them: breadth first from the root, then any not reached. */
export function readingOrder(graph: LineageGraph): LineageNode[] {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const order: LineageNode[] = [];
  const seen = new Set<string>();
  const queue = [graph.root];
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.has(id) || !byId.has(id)) continue;
    seen.add(id);
    order.push(byId.get(id)!);
    for (const edge of graph.edges) {
      if (edge.from === id && !seen.has(edge.to)) queue.push(edge.to);
      if (edge.to === id && !seen.has(edge.from)) queue.push(edge.from);
    }
  }
  for (const node of graph.nodes) if (!seen.has(node.id)) order.push(node);
  return order;
}
