import { createHash, randomUUID } from 'node:crypto';
import { parse as parseUuid } from 'uuid';

/**
 * Where the hub gets ids. Production code takes an `IdSource` (default `randomId`) instead of
 * calling `randomUUID()`, so tests pass a predictable one.
 */
export type IdSource = () => string;

/** A random (version 4) UUID. */
export const randomId: IdSource = () => randomUUID();

/** Namespaces' bytes, parsed (and checked) once: ids are made by the hundred thousand. */
const namespaceBytes = new Map<string, Buffer>();

/**
 * A UUIDv5 of `parts` joined by `/` in `namespace` (itself a UUID): the same parts always give the
 * same id, which makes a repeated write recognisable as the same event (idempotent appends).
 * RFC 9562 §5.5: SHA-1 of the namespace's bytes and the name, version 5, variant 10.
 */
export function deterministicId(namespace: string, ...parts: readonly (string | number)[]): string {
  let ns = namespaceBytes.get(namespace);
  if (!ns) {
    ns = Buffer.from(parseUuid(namespace));
    namespaceBytes.set(namespace, ns);
  }
  const h = createHash('sha1').update(ns).update(parts.join('/'), 'utf8').digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.toString('hex', 0, 16);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** Ids `prefix-1`, `prefix-2`, … as valid UUIDs in a namespace: predictable ids for tests and tools. */
export function sequentialIds(namespace: string, prefix = 'id'): IdSource {
  let n = 0;
  return () => deterministicId(namespace, prefix, ++n);
}
