import { kindOfNodeId, type LineageNodeKind } from './ids.js';

export interface LineageAttribute {
  name: string;
  value: string;
}

export interface LineageNode {
  id: string;
  kind: LineageNodeKind;
  /** What the node is, in a few words: codes, field names, ids; never a personal value. */
  label: string;
  /** When it happened or was recorded (ISO instant), when it has one time. */
  at: string | null;
  attributes: LineageAttribute[];
  /** It has neighbours the graph leaves out (beyond the depth, or past a limit). */
  more: boolean;
}

/** `from` relates to `to` as `relation` says, read upstream: where a thing came from, what it relied on. */
export interface LineageEdge {
  from: string;
  to: string;
  relation: string;
}

export interface LineageGraph {
  root: string;
  nodes: LineageNode[];
  edges: LineageEdge[];
  /** Keyed pseudonym of the citizen the root is about, when it is about one (what an inspection records). */
  subject: string | null;
}

/** An edge leaving a node, as a loader finds it. */
export interface OutEdge {
  to: string;
  relation: string;
}

/** A node as a loader reads it: itself, where it leads, whether that list was cut at a limit. */
export interface LoadedNode {
  node: Omit<LineageNode, 'more'>;
  out: OutEdge[];
  /** More edges leave it than `out` holds (`MAX_NEIGHBOURS`). */
  capped?: boolean;
  /** The citizen the node is about, if any. */
  subject?: string | null;
}

/** Reads one node and its edges; undefined when nothing is recorded under the id. */
export type NodeLoader = (id: string) => LoadedNode | undefined | Promise<LoadedNode | undefined>;

/** Edges followed from one node, newest first; past it the node says `more`. */
export const MAX_NEIGHBOURS = 200;
/** Nodes in one graph; past it the nodes left unexpanded say `more`. */
export const MAX_NODES = 2000;

/** A node named by an edge whose own record this hub does not hold (a document id given by a caller …). */
export function unrecorded(id: string): LoadedNode {
  return {
    node: {
      id,
      kind: kindOfNodeId(id),
      label: 'not recorded on this hub',
      at: null,
      attributes: [{ name: 'recorded', value: 'false' }],
    },
    out: [],
  };
}

/**
 * The graph around `root`, `depth` rings deep, following edges upstream (`LoadedNode.out`): every
 * node once, every edge between two nodes of the graph once (those of the outer ring included), and
 * `more` on each node with an edge to a node left out. Undefined when the root is not recorded.
 */
export async function walk(root: string, depth: number, load: NodeLoader): Promise<LineageGraph | undefined> {
  const first = await load(root);
  if (!first) return undefined;
  const loaded = new Map<string, LoadedNode>([[root, first]]);
  /** Nodes expanded with an edge left out (the node limit reached). */
  const short = new Set<string>();
  const edges: LineageEdge[] = [];
  const seen = new Set<string>();
  const addEdge = (from: string, e: OutEdge) => {
    const key = `${from} ${e.to} ${e.relation}`;
    if (seen.has(key)) return;
    seen.add(key);
    edges.push({ from, to: e.to, relation: e.relation });
  };
  let ring = [root];
  for (let d = 1; d <= depth && ring.length > 0; d++) {
    const next: string[] = [];
    for (const from of ring) {
      for (const e of loaded.get(from)!.out) {
        if (!loaded.has(e.to)) {
          if (loaded.size >= MAX_NODES) {
            short.add(from);
            continue;
          }
          loaded.set(e.to, (await load(e.to)) ?? unrecorded(e.to));
          next.push(e.to);
        }
        addEdge(from, e);
      }
    }
    ring = next;
  }
  // the outer ring was not expanded: its edges between nodes of the graph are shown, the others
  // make it say `more`
  const outer = new Set(ring);
  const nodes: LineageNode[] = [];
  for (const [id, n] of loaded) {
    let more = n.capped === true || short.has(id);
    if (outer.has(id)) {
      for (const e of n.out) {
        if (loaded.has(e.to)) addEdge(id, e);
        else more = true;
      }
    }
    nodes.push({ ...n.node, more });
  }
  return { root, nodes, edges, subject: first.subject ?? null };
}

/** Attributes from name/value pairs, those without a value left out. */
export function attributes(
  pairs: Record<string, string | number | boolean | null | undefined>,
): LineageAttribute[] {
  const out: LineageAttribute[] = [];
  for (const [name, value] of Object.entries(pairs)) {
    if (value === null || value === undefined || value === '') continue;
    out.push({ name, value: String(value) });
  }
  return out;
}
