import { defineError } from './base.js';

// ── Lineage (inspectors' walks from a value back to its source) ────────────────────────────────

/**
 * What a lineage query starts from is not known to this hub: a node id of a well-formed kind that
 * names nothing (an access, a dossier, a document, a record event …), or a citizen's field nothing
 * was recorded or released about. `field` names the argument; `node` the node id looked for.
 */
export class LineageNotFoundError extends defineError({
  code: 'LINEAGE_NOT_FOUND',
  status: 404,
  args: (field: string, node: string) => ({ field, node }),
  message: (d) => `${d.field}: no lineage node ${d.node}`,
}) {}
