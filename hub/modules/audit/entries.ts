/**
 * What a leaf of the audit log is: the event as the hub wrote it, in one canonical form that does
 * not depend on the store that holds it. The bytes hashed (SHA-256 after 0x00) are the RFC 8785
 * canonical JSON, UTF-8, of
 *
 * ```
 * { "data", "id", "metadata", "revision", "stream", "type" }
 * ```
 *
 * `id` lower-case. `position` and `recordedAt` are left out: both are the store's bookkeeping, given
 * anew when events are copied to another store (KurrentDB sets its own commit time), whereas the
 * hub's own account of when the access happened is `metadata.occurredAt`, which the leaf covers.
 */
import type { RecordedEvent } from '../../kernel/event-store.js';
import { canonicalJson } from './canonical-json.js';
import { AUDITED_EVENT_TYPES } from './events.js';

export interface AuditEntry {
  id: string;
  stream: string;
  revision: number;
  type: string;
  data: unknown;
  metadata: unknown;
}

const AUDITED: ReadonlySet<string> = new Set(AUDITED_EVENT_TYPES);

/** Whether events of this type are entries of the audit log. */
export const isAudited = (type: string): boolean => AUDITED.has(type);

export const entryOf = (event: RecordedEvent): AuditEntry => ({
  id: event.id.toLowerCase(),
  stream: event.stream,
  revision: event.revision,
  type: event.type,
  data: event.data,
  metadata: event.metadata,
});

/** The bytes of an event's leaf: its entry as canonical JSON, UTF-8 (one line: no raw newline). */
export const entryBytes = (event: RecordedEvent): Buffer =>
  Buffer.from(canonicalJson(entryOf(event)), 'utf8');

/** The 16 bytes of a UUID (how the read model keys leaves by event id). */
export const uuidBytes = (id: string): Buffer => Buffer.from(id.replaceAll('-', ''), 'hex');
