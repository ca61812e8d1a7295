import { ApiBadInputError, LineageNotFoundError } from '../../kernel/errors/index.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import type { DatasetDefinition } from '../records/index.js';
import { type LineageGraph, type LoadedNode, type NodeLoader, walk } from './graph.js';
import { type TrailGraph, type TrailSource, trailGraph } from './hops.js';
import { type NodeRef, nodeId, parseNodeId } from './ids.js';
import { ReadModelNodes } from './nodes.js';
import { openLineageTables } from './projection.js';

/** Rings a query goes out when not told, and at most. */
export const DEFAULT_DEPTH = 1;
export const MAX_DEPTH = 5;

export interface LineageQueriesOptions {
  /** The shared datasets (`loadDatasets()`): which fields exist, and in which datasets. */
  datasets: ReadonlyMap<string, DatasetDefinition>;
  /** A document's trail across hubs (the exchange's); without it exchanged documents show no hops. */
  trail?: TrailSource;
}

/** `depth` as given, checked: an integer from 1 to `MAX_DEPTH` (BAD_USER_INPUT naming `depth`). */
export function checkDepth(depth: number | null | undefined): number {
  const d = depth ?? DEFAULT_DEPTH;
  if (!Number.isInteger(d) || d < 1 || d > MAX_DEPTH) {
    throw new ApiBadInputError(`depth must be an integer from 1 to ${MAX_DEPTH}`, { field: 'depth' });
  }
  return d;
}

/**
 * Lineage walks over the `lineage` read model, for the GraphQL API and server-side callers (the
 * benchmark): each answers the graph around a starting node, `depth` rings deep, or throws
 * `ApiBadInputError` naming the argument (malformed, out of range) or `LineageNotFoundError` (nothing
 * recorded under it). One graph reads one row or one index range per node, never the event log; an
 * exchanged document's hops come from its trail (this hub's stream, and the hubs it names).
 */
export class LineageQueries {
  private readonly nodes: ReadModelNodes;
  private readonly fieldsOf = new Map<string, string[]>();

  constructor(
    db: ReadModelDb,
    private readonly options: LineageQueriesOptions,
  ) {
    openLineageTables(db);
    for (const def of options.datasets.values()) {
      for (const field of def.fields)
        this.fieldsOf.set(field, [...(this.fieldsOf.get(field) ?? []), def.name]);
    }
    this.nodes = new ReadModelNodes(db, (field) => this.fieldsOf.get(field) ?? []);
  }

  /**
   * A citizen's field (`subject`: the keyed pseudonym), in `dataset` or in every dataset that has it
   * (null): each release that let it out, the record event each value came from, its connector run
   * and source row; the record versions that held it.
   */
  ofField(
    subject: string,
    field: string,
    dataset: string | null,
    depth?: number | null,
  ): Promise<LineageGraph> {
    const d = checkDepth(depth);
    if (dataset !== null) {
      const def = this.options.datasets.get(dataset);
      if (!def)
        throw new ApiBadInputError(`dataset ${dataset} is not a shared dataset`, { field: 'dataset' });
      if (!def.fields.includes(field))
        throw new ApiBadInputError(`field ${field} is not a field of ${dataset}`, { field: 'field' });
    } else if (!this.fieldsOf.has(field)) {
      throw new ApiBadInputError(`field ${field} is not a field of any shared dataset`, { field: 'field' });
    }
    return this.from(nodeId.field(subject, dataset, field), d, 'personalId');
  }

  /** A release: its record events (and their runs and rows), the consent, the contract version, the dossier. */
  ofAccess(accessId: string, depth?: number | null): Promise<LineageGraph> {
    return this.fromRef(nodeId.access(accessId), 'ACCESS', depth, 'accessId');
  }

  /** A dossier: its components (reused from where, uploaded, asked again), its reads, links and result. */
  ofDossier(dossierId: string, depth?: number | null): Promise<LineageGraph> {
    return this.fromRef(nodeId.dossier(dossierId), 'DOSSIER', depth, 'dossier');
  }

  /** A document: the dossier it was issued in or digitised for; when exchanged, its trail across hubs. */
  ofDocument(documentId: string, depth?: number | null): Promise<LineageGraph> {
    return this.fromRef(nodeId.document(documentId), 'DOCUMENT', depth, 'documentId');
  }

  /** The graph from any node id a graph gave, `depth` rings further. */
  expand(node: string, depth?: number | null): Promise<LineageGraph> {
    const d = checkDepth(depth);
    if (!parseNodeId(node)) throw new ApiBadInputError('node is not a lineage node id', { field: 'node' });
    return this.from(node, d, 'node');
  }

  private fromRef(id: string, kind: NodeRef['kind'], depth: number | null | undefined, argument: string) {
    const d = checkDepth(depth);
    if (parseNodeId(id)?.kind !== kind) {
      throw new ApiBadInputError(`${argument} is malformed`, { field: argument });
    }
    return this.from(id, d, argument);
  }

  private async from(root: string, depth: number, argument: string): Promise<LineageGraph> {
    const graph = await walk(root, depth, this.loader());
    if (!graph) throw new LineageNotFoundError(argument, root);
    return graph;
  }

  /** Node loading for one walk: the read model, and the trails of exchanged documents read once each. */
  private loader(): NodeLoader {
    const trails = new Map<string, Promise<TrailGraph | undefined>>();
    const primed = new Map<string, LoadedNode>();
    const trailOf = (documentId: string) => {
      let t = trails.get(documentId);
      if (!t) {
        t = this.trailOf(documentId);
        trails.set(documentId, t);
      }
      return t;
    };
    return (id) => {
      const known = primed.get(id);
      if (known) return known;
      const ref = parseNodeId(id);
      if (!ref) return undefined;
      if (ref.kind === 'DOCUMENT') return this.document(ref.documentId, trailOf);
      if (ref.kind === 'HOP') return trailOf(ref.documentId).then((t) => t?.hops.get(id));
      return this.nodes.load(ref, primed);
    };
  }

  private async trailOf(documentId: string): Promise<TrailGraph | undefined> {
    if (!this.options.trail || this.nodes.basis.exchangedAt(documentId) === undefined) return undefined;
    return trailGraph(documentId, await this.options.trail(documentId));
  }

  /** A document as the documents module recorded it, and/or as the exchange carried it. */
  private async document(
    documentId: string,
    trailOf: (id: string) => Promise<TrailGraph | undefined>,
  ): Promise<LoadedNode | undefined> {
    const stored = this.nodes.basis.document(documentId);
    const exchangedAt = this.nodes.basis.exchangedAt(documentId);
    if (exchangedAt === undefined) return stored;
    const trail = await trailOf(documentId);
    const entries = trail?.entries ?? [];
    if (stored) return { ...stored, out: [...stored.out, ...entries] };
    return {
      node: {
        id: nodeId.document(documentId),
        kind: 'DOCUMENT',
        label: 'exchanged document',
        at: exchangedAt,
        attributes: [
          { name: 'exchanged', value: 'true' },
          { name: 'firstSeenAt', value: exchangedAt },
        ],
      },
      out: entries,
    };
  }
}
