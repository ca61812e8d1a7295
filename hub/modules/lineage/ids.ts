/** The kinds of node a lineage graph holds (GraphQL `LineageNodeKind`). */
export type LineageNodeKind =
  | 'FIELD'
  | 'ACCESS'
  | 'RECORD'
  | 'RUN'
  | 'SOURCE'
  | 'CONSENT'
  | 'CONTRACT'
  | 'DOSSIER'
  | 'COMPONENT'
  | 'DOCUMENT'
  | 'HOP';

/** What a node id names, its parts decoded. */
export type NodeRef =
  | { kind: 'FIELD'; subject: string; dataset: string | null; field: string }
  | { kind: 'ACCESS'; accessId: string }
  | { kind: 'RECORD'; eventId: string }
  | { kind: 'RUN'; runId: string }
  | { kind: 'SOURCE'; system: string; table: string; key: string }
  | { kind: 'CONSENT'; consentId: string }
  | { kind: 'CONTRACT'; contractId: string; version: number }
  | { kind: 'DOSSIER'; dossierId: string }
  | { kind: 'COMPONENT'; dossierId: string; component: string }
  | { kind: 'DOCUMENT'; documentId: string }
  | { kind: 'HOP'; hubId: string; message: string; documentId: string };

const PREFIX: Record<LineageNodeKind, string> = {
  FIELD: 'field',
  ACCESS: 'access',
  RECORD: 'record',
  RUN: 'run',
  SOURCE: 'source',
  CONSENT: 'consent',
  CONTRACT: 'contract',
  DOSSIER: 'dossier',
  COMPONENT: 'component',
  DOCUMENT: 'document',
  HOP: 'hop',
};
const KIND_OF = new Map(Object.entries(PREFIX).map(([kind, prefix]) => [prefix, kind as LineageNodeKind]));

/** The dataset part of a field node that stands for the field in every dataset. */
export const EVERY_DATASET = '*';

const enc = encodeURIComponent;
const id = (kind: LineageNodeKind, ...parts: string[]) => `${PREFIX[kind]}:${parts.map(enc).join('/')}`;

/**
 * Node ids: `<kind>:<part>/<part>…`, each part URI-encoded (a source system's path or an edXML
 * DocumentId may hold `/`), so every id parses back into what it names (`parseNodeId`).
 */
export const nodeId = {
  field: (subject: string, dataset: string | null, field: string) =>
    id('FIELD', subject, dataset ?? EVERY_DATASET, field),
  access: (accessId: string) => id('ACCESS', accessId),
  record: (eventId: string) => id('RECORD', eventId),
  run: (runId: string) => id('RUN', runId),
  source: (system: string, table: string, key: string) => id('SOURCE', system, table, key),
  consent: (consentId: string) => id('CONSENT', consentId),
  contract: (contractId: string, version: number) => `${id('CONTRACT', contractId)}@${version}`,
  dossier: (dossierId: string) => id('DOSSIER', dossierId),
  component: (dossierId: string, component: string) => id('COMPONENT', dossierId, component),
  document: (documentId: string) => id('DOCUMENT', documentId),
  hop: (hubId: string, message: string, documentId: string) => id('HOP', hubId, message, documentId),
};

/** A source row's primary key as node ids and attributes show it: `id=42`, columns joined by `,`. */
export const sourceKeyOf = (primaryKey: Record<string, string | number>): string =>
  Object.entries(primaryKey)
    .map(([column, value]) => `${enc(column)}=${enc(String(value))}`)
    .join(',');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PSEUDONYM = /^[0-9a-f]{32}$/;
const DATASET = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const FIELD = /^[A-Za-z][A-Za-z0-9_]*$/;
const VERSION = /^[1-9][0-9]{0,8}$/;
const CONTROL = /\p{Cc}/u;
/** Longest node id taken (a DocumentId is at most 200 characters, a source system a URL). */
export const MAX_NODE_ID = 1024;

function decoded(text: string, count: number): string[] | undefined {
  const parts = text.split('/');
  if (parts.length !== count) return undefined;
  try {
    const out = parts.map((p) => decodeURIComponent(p));
    return out.every((p) => p.length > 0 && !CONTROL.test(p)) ? out : undefined;
  } catch {
    return undefined;
  }
}

/** What a node id names, or undefined when it is not a well-formed id of a known kind. */
export function parseNodeId(node: string): NodeRef | undefined {
  if (node.length > MAX_NODE_ID) return undefined;
  const colon = node.indexOf(':');
  const kind = KIND_OF.get(node.slice(0, colon));
  if (colon < 0 || !kind) return undefined;
  const rest = node.slice(colon + 1);
  const one = () => decoded(rest, 1)?.[0];
  switch (kind) {
    case 'FIELD': {
      const [subject, dataset, field] = decoded(rest, 3) ?? [];
      if (!subject || !PSEUDONYM.test(subject) || !field || !FIELD.test(field)) return undefined;
      if (dataset !== EVERY_DATASET && !DATASET.test(dataset ?? '')) return undefined;
      return { kind, subject, dataset: dataset === EVERY_DATASET ? null : dataset!, field };
    }
    case 'ACCESS':
    case 'RECORD': {
      const uuid = one();
      if (!uuid || !UUID.test(uuid)) return undefined;
      return kind === 'ACCESS' ? { kind, accessId: uuid } : { kind, eventId: uuid };
    }
    case 'SOURCE': {
      const [system, table, key] = decoded(rest, 3) ?? [];
      return system && table && key ? { kind, system, table, key } : undefined;
    }
    case 'CONTRACT': {
      const at = rest.lastIndexOf('@');
      const contractId = at > 0 ? decoded(rest.slice(0, at), 1)?.[0] : undefined;
      const version = rest.slice(at + 1);
      return contractId && VERSION.test(version) ? { kind, contractId, version: Number(version) } : undefined;
    }
    case 'COMPONENT': {
      const [dossierId, component] = decoded(rest, 2) ?? [];
      return dossierId && component ? { kind, dossierId, component } : undefined;
    }
    case 'HOP': {
      const [hubId, message, documentId] = decoded(rest, 3) ?? [];
      return hubId && message && documentId ? { kind, hubId, message, documentId } : undefined;
    }
    default: {
      const value = one();
      if (!value) return undefined;
      if (kind === 'RUN') return { kind, runId: value };
      if (kind === 'CONSENT') return { kind, consentId: value };
      if (kind === 'DOSSIER') return { kind, dossierId: value };
      return { kind: 'DOCUMENT', documentId: value };
    }
  }
}

/** The kind of a node id's prefix (for a node named by an edge but not recorded here). */
export const kindOfNodeId = (node: string): LineageNodeKind => KIND_OF.get(node.slice(0, node.indexOf(':')))!;
