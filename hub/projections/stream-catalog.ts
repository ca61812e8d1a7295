import { streamCategory } from '../kernel/event-store.js';
import type { ProjectionDefinition, ProjectionHandler } from '../kernel/projection.js';
import type { ReadModelDb } from '../kernel/read-model.js';

interface StreamTotals {
  category: string;
  count: number;
  lastRevision: number;
  lastPosition: number;
  updatedAt: string;
}

/**
 * Every stream in the log with its category, event count, last revision and position, and when it
 * last changed. Events are counted per batch in memory and written once per stream per batch.
 */
export const streamCatalog: ProjectionDefinition = {
  name: 'stream-catalog',
  version: 1,
  description: 'Streams with category, event count, last revision, last position and last update',
  open(db) {
    db.exec(`CREATE TABLE IF NOT EXISTS stream_catalog (
      stream TEXT PRIMARY KEY,
      category TEXT NOT NULL,
      event_count INTEGER NOT NULL,
      last_revision INTEGER NOT NULL,
      last_position INTEGER NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT, WITHOUT ROWID`);
    const upsert = db.prepare<[string, string, number, number, number, string]>(
      `INSERT INTO stream_catalog (stream, category, event_count, last_revision, last_position, updated_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (stream) DO UPDATE SET event_count = event_count + excluded.event_count,
         last_revision = excluded.last_revision, last_position = excluded.last_position,
         updated_at = excluded.updated_at`,
    );
    const clear = db.prepare('DELETE FROM stream_catalog');
    const pending = new Map<string, StreamTotals>();
    const handler: ProjectionHandler = {
      apply(event) {
        const totals = pending.get(event.stream);
        if (totals) {
          totals.count++;
          totals.lastRevision = event.revision;
          totals.lastPosition = event.position;
          totals.updatedAt = event.recordedAt;
          return;
        }
        pending.set(event.stream, {
          category: streamCategory(event.stream),
          count: 1,
          lastRevision: event.revision,
          lastPosition: event.position,
          updatedAt: event.recordedAt,
        });
      },
      endBatch() {
        try {
          for (const [stream, t] of pending) {
            upsert.run(stream, t.category, t.count, t.lastRevision, t.lastPosition, t.updatedAt);
          }
        } finally {
          pending.clear();
        }
      },
      reset() {
        pending.clear();
        clear.run();
      },
    };
    return handler;
  },
};

export interface StreamCatalogRow {
  stream: string;
  category: string;
  eventCount: number;
  lastRevision: number;
  lastPosition: number;
  updatedAt: string;
}

export interface CategorySummary {
  category: string;
  streams: number;
  events: number;
}

/** Streams and events per category, from the read model (as current as its checkpoint). */
export function summarizeStreamCatalog(db: ReadModelDb): {
  streams: number;
  categories: CategorySummary[];
} {
  const categories = db
    .prepare<[], CategorySummary>(
      `SELECT category, COUNT(*) AS streams, SUM(event_count) AS events
       FROM stream_catalog GROUP BY category ORDER BY category`,
    )
    .all();
  return { streams: categories.reduce((sum, c) => sum + c.streams, 0), categories };
}

export function getCatalogStream(db: ReadModelDb, stream: string): StreamCatalogRow | undefined {
  return db
    .prepare<[string], StreamCatalogRow>(
      `SELECT stream, category, event_count AS eventCount, last_revision AS lastRevision,
         last_position AS lastPosition, updated_at AS updatedAt FROM stream_catalog WHERE stream = ?`,
    )
    .get(stream);
}
