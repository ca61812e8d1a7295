import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';

/**
 * Where the hub gets ids. Production code takes an `IdSource` (default `randomId`) instead of
 * calling `randomUUID()`, so tests pass a predictable one.
 */
export type IdSource = () => string;

/** A random (version 4) UUID. */
export const randomId: IdSource = () => randomUUID();

/**
 * A UUIDv5 of `parts` joined by `/` in `namespace` (itself a UUID): the same parts always give the
 * same id, which makes a repeated write recognisable as the same event (idempotent appends).
 */
export function deterministicId(namespace: string, ...parts: readonly (string | number)[]): string {
  return uuidv5(parts.join('/'), namespace);
}

/** Ids `prefix-1`, `prefix-2`, … as valid UUIDs in a namespace: predictable ids for tests and tools. */
export function sequentialIds(namespace: string, prefix = 'id'): IdSource {
  let n = 0;
  return () => deterministicId(namespace, prefix, ++n);
}
