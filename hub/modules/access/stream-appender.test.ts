import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openSqliteEventStore, type SqliteEventStore } from '../../eventstore/sqlite.js';
import { silentLogger, tempDir } from '../../testing/temp.js';
import { StreamAppender } from './stream-appender.js';

const event = (n: number) => ({
  id: crypto.randomUUID(),
  type: 'DataAccessed',
  data: { n },
  metadata: {
    occurredAt: new Date().toISOString(),
    actor: { kind: 'agency' as const, id: '000.04.01.H26' },
    correlationId: `request-${n}`,
    causationId: null,
    schemaVersion: 1,
  },
});

describe('StreamAppender', () => {
  const temp = tempDir();
  let store: SqliteEventStore | undefined;
  afterEach(async () => {
    await store?.close();
  });
  afterAll(() => temp.remove());

  it('writes concurrent appends to one stream in order, in two commits (the first alone, the rest together)', async () => {
    const commits: { appends: number; events: number }[] = [];
    store = await openSqliteEventStore({
      file: path.join(temp.dir, 'events.db'),
      logger: silentLogger(),
      observer: { committed: ({ appends, events }) => commits.push({ appends, events }) },
    });
    const appender = new StreamAppender(store);
    const events = Array.from({ length: 50 }, (_, n) => event(n));
    await Promise.all(events.map((e) => appender.append('access-subject1', e)));

    const stored = await store.readStream('access-subject1');
    expect(stored.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(stored.map((e) => e.revision)).toEqual(events.map((_, i) => i));
    expect(commits).toEqual([
      { appends: 1, events: 1 },
      { appends: 1, events: 49 },
    ]);
  });
});
