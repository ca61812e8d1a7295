import {
  EventIdConflictError,
  HubError,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from '../kernel/errors/index.js';
import {
  type EventFilter,
  type EventStore,
  isValidStreamName,
  type RecordedEvent,
  type Subscription,
} from '../kernel/event-store.js';

/**
 * Streams `<category>-<id>` stored as `<category>-<ns>.<id>`, so several runs share one KurrentDB
 * server while each sees only its own streams, as if the store were empty. Used by the conformance
 * tests against a shared server.
 */
export function namespacedName(ns: string, stream: string): string {
  if (!isValidStreamName(stream)) return stream;
  const dash = stream.indexOf('-');
  return `${stream.slice(0, dash + 1)}${ns}.${stream.slice(dash + 1)}`;
}

export function outerName(ns: string, stream: string): string | undefined {
  const dash = stream.indexOf('-');
  const marker = `${ns}.`;
  if (dash < 0 || !stream.startsWith(marker, dash + 1)) return undefined;
  return stream.slice(0, dash + 1) + stream.slice(dash + 1 + marker.length);
}

function matchesPrefixes(stream: string, filter: EventFilter | undefined): boolean {
  return !filter?.streamPrefixes || filter.streamPrefixes.some((p) => stream.startsWith(p));
}

function mapError(ns: string, error: unknown): unknown {
  const outer = (s: string) => outerName(ns, s) ?? s;
  if (error instanceof WrongExpectedRevisionError) {
    return new WrongExpectedRevisionError(outer(error.stream), error.expected, error.actual);
  }
  if (error instanceof StreamNotFoundError) return new StreamNotFoundError(outer(error.stream));
  if (error instanceof EventIdConflictError) {
    return new EventIdConflictError(error.eventId, outer(error.stream), error.reason);
  }
  return error;
}

async function mapped<T>(ns: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw mapError(ns, error);
  }
}

export function namespacedStore(store: EventStore, ns: string): EventStore {
  const inner = (s: string) => namespacedName(ns, s);
  const own = (e: RecordedEvent, filter?: EventFilter): RecordedEvent | undefined => {
    const stream = outerName(ns, e.stream);
    return stream !== undefined && matchesPrefixes(stream, filter) ? { ...e, stream } : undefined;
  };
  const innerFilter = (filter: EventFilter | undefined): EventFilter | undefined =>
    filter && { ...filter, streamPrefixes: undefined };
  return {
    append: (s, events, o) => mapped(ns, store.append(inner(s), events, o)),
    appendMany: async (requests) =>
      (await store.appendMany(requests.map((r) => ({ ...r, stream: inner(r.stream) })))).map((o) =>
        o instanceof HubError ? (mapError(ns, o) as HubError) : o,
      ),
    readStream: async (s, o) =>
      (await mapped(ns, store.readStream(inner(s), o))).map((e) => ({ ...e, stream: s })),
    readAll: async (o = {}) => {
      const all = await store.readAll({ ...o, maxCount: undefined, filter: innerFilter(o.filter) });
      const mine = all.flatMap((e) => own(e, o.filter) ?? []);
      return o.maxCount === undefined ? mine : mine.slice(0, o.maxCount);
    },
    subscribeToAll: (o = {}) => {
      const sub = store.subscribeToAll({ ...o, filter: innerFilter(o.filter) });
      const filtered: Subscription = {
        caughtUp: sub.caughtUp,
        close: () => sub.close(),
        async *[Symbol.asyncIterator]() {
          for await (const e of sub) {
            const mine = own(e, o.filter);
            if (mine) yield mine;
          }
        },
      };
      return filtered;
    },
    getStreamMetadata: async (s) => ({ ...(await mapped(ns, store.getStreamMetadata(inner(s)))), stream: s }),
    setStreamMetadata: (s, m) => mapped(ns, store.setStreamMetadata(inner(s), m)),
    deleteStream: (s, o) => mapped(ns, store.deleteStream(inner(s), o)),
    compact: () => store.compact(),
    info: async () => {
      const [last] = await namespacedStore(store, ns).readAll({ direction: 'backwards', maxCount: 1 });
      return { backend: 'kurrentdb', lastPosition: last?.position ?? 0 };
    },
    close: () => store.close(),
  };
}
