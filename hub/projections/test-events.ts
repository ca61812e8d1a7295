import { randomUUID } from 'node:crypto';
import type { EventData, EventStore } from '../kernel/event-store.js';
import type { ProjectionDefinition } from '../kernel/projection.js';
import type { ReadModelDb } from '../kernel/read-model.js';

/** A valid event envelope for tests. */
export function testEvent(type: string, data: Record<string, unknown> = {}): EventData {
  return {
    id: randomUUID(),
    type,
    data,
    metadata: {
      occurredAt: '2026-01-05T08:00:00.000Z',
      actor: { kind: 'system', id: 'test' },
      correlationId: randomUUID(),
      causationId: null,
      schemaVersion: 1,
    },
  };
}

/** Appends test events, tracking each stream's revision across calls; returns positions. */
export class TestWriter {
  private readonly revisions = new Map<string, number>();

  constructor(private readonly store: EventStore) {}

  async append(stream: string, type = 'ThingHappened', data: Record<string, unknown> = {}): Promise<number> {
    const result = await this.store.append(stream, [testEvent(type, data)], {
      expectedRevision: this.revisions.get(stream) ?? 'no_stream',
    });
    this.revisions.set(stream, result.nextExpectedRevision);
    return result.position;
  }

  /** `count` events round-robin over `streams` streams of `category`; returns the last position. */
  async many(category: string, count: number, streams = 10, type = 'ThingHappened'): Promise<number> {
    let last = 0;
    for (let i = 0; i < count; i++) last = await this.append(`${category}-${i % streams}`, type, { n: i });
    return last;
  }
}

/**
 * Records every applied position under a PRIMARY KEY: applying an event twice throws, so the
 * projection fails and tests see it. `version` is stored with each row.
 */
export function ledgerProjection(
  name = 'ledger',
  version = 1,
  filter?: ProjectionDefinition['filter'],
): ProjectionDefinition {
  const table = name.replaceAll('-', '_');
  return {
    name,
    version,
    description: 'every applied event position, once',
    filter,
    open(db: ReadModelDb) {
      db.exec(
        `CREATE TABLE IF NOT EXISTS ${table} (position INTEGER PRIMARY KEY, type TEXT NOT NULL, version INTEGER NOT NULL)`,
      );
      const insert = db.prepare(`INSERT INTO ${table} (position, type, version) VALUES (?, ?, ?)`);
      const clear = db.prepare(`DELETE FROM ${table}`);
      return {
        apply: (e) => void insert.run(e.position, e.type, version),
        reset: () => void clear.run(),
      };
    },
  };
}

export function ledgerPositions(db: ReadModelDb, name = 'ledger'): number[] {
  const rows = db.prepare(`SELECT position FROM ${name.replaceAll('-', '_')} ORDER BY position`).all() as {
    position: number;
  }[];
  return rows.map((r) => r.position);
}
