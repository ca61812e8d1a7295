import type {
  EventStore,
  FieldPath,
  FieldsPage,
  FieldsQuery,
  FieldsRow,
  RecordedEvent,
} from './event-store.js';

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The parts of a field path: where it starts (`id`, `stream`, `data`, `metadata`) and the keys below. */
export function parseFieldPath(path: FieldPath): {
  root: 'id' | 'stream' | 'data' | 'metadata';
  keys: string[];
} {
  if (path === 'id' || path === 'stream') return { root: path, keys: [] };
  const [root, ...keys] = path.split('.');
  if ((root !== 'data' && root !== 'metadata') || !keys.every((k) => KEY.test(k))) {
    throw new Error(`not a field path: ${path}`);
  }
  return { root, keys };
}

/** A value as a fields read gives it (SQLite's `->>`): booleans 1/0, objects and arrays as JSON text. */
function fieldValue(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'object') return JSON.stringify(value);
  return value;
}

/** The value of one field of a decoded event, as a store's fields read would give it. */
export function fieldOf(event: RecordedEvent, path: FieldPath): unknown {
  const { root, keys } = parseFieldPath(path);
  let value: unknown = root === 'data' ? event.data : root === 'metadata' ? event.metadata : event[root];
  for (const key of keys) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
    value = (value as Record<string, unknown>)[key];
  }
  return fieldValue(value);
}

/** The row a fields read gives for a decoded event of a type with these fields. */
export function fieldsRowOf(event: RecordedEvent, paths: readonly FieldPath[]): FieldsRow {
  return [event.position, event.revision, event.type, ...paths.map((p) => fieldOf(event, p))];
}

/**
 * The part (0 … count − 1) a partition key belongs to: the 32-bit FNV-1a hash of its UTF-16 code
 * units (a missing key: the empty string), modulo `count`. Stores that filter partitions in their
 * own queries call this same function there (SQLite: as a function of the connection).
 */
export function partitionOf(key: unknown, count: number): number {
  const text = key === null || key === undefined ? '' : String(key);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % count;
}

/**
 * A fields read through any store: its own `readFields` when it has one, otherwise a `readAll` page
 * (the types and prefixes pushed down) with the fields picked from the decoded events.
 */
export async function readEventFields(store: EventStore, query: FieldsQuery): Promise<FieldsPage> {
  if (store.readFields) return store.readFields(query);
  const from = query.fromPosition ?? 0;
  const events = await store.readAll({
    fromPosition: from,
    maxCount: query.maxCount,
    filter: { eventTypes: Object.keys(query.types), streamPrefixes: query.streamPrefixes },
  });
  const rows: FieldsRow[] = [];
  let last = from;
  for (const event of events) {
    if (query.upTo !== undefined && event.position > query.upTo) {
      return { rows, last, more: false };
    }
    last = event.position;
    const part = query.partition;
    const key = part?.keys[event.type];
    if (part && key !== undefined && partitionOf(fieldOf(event, key), part.count) !== part.index) continue;
    rows.push(fieldsRowOf(event, query.types[event.type]!));
  }
  const more = query.maxCount !== undefined && events.length === query.maxCount && last !== query.upTo;
  return { rows, last, more };
}

/**
 * Makes events back from the rows of a type with these fields: each holds its position, revision,
 * type and the fields asked for, in `data` and `metadata` objects shaped as in the event (values
 * as the row gives them: booleans 1/0, objects as JSON text; `data` or `metadata` asked for whole
 * comes parsed). For folds written over whole events.
 */
export function eventsOfFields(paths: readonly FieldPath[]): (row: FieldsRow) => RecordedEvent {
  const parsed = paths.map(parseFieldPath);
  return (row) => {
    const event = { position: row[0], revision: row[1], type: row[2], data: {}, metadata: {} } as Record<
      string,
      unknown
    >;
    parsed.forEach(({ root, keys }, i) => {
      const value = row[3 + i];
      if (keys.length === 0) {
        event[root] =
          (root === 'data' || root === 'metadata') && typeof value === 'string' ? JSON.parse(value) : value;
        return;
      }
      let target = event[root] as Record<string, unknown>;
      for (let k = 0; k < keys.length - 1; k++) {
        target[keys[k]!] ??= {};
        target = target[keys[k]!] as Record<string, unknown>;
      }
      target[keys[keys.length - 1]!] = value;
    });
    return event as unknown as RecordedEvent;
  };
}
