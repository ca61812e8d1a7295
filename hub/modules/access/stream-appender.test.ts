import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { withValidation } from '../../events/validating-store.js';
import { createEventValidator } from '../../events/validator.js';
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

  it('writes the events of one append together or not at all', async () => {
    const raw = await openSqliteEventStore({
      file: path.join(temp.dir, 'together.db'),
      logger: silentLogger(),
    });
    store = raw;
    const validated = withValidation(raw, createEventValidator());
    const appender = new StreamAppender(validated);
    const deferral = (accessId: string, until: string) => ({
      ...event(0),
      type: 'DisclosureDeferred',
      data: {
        subject: '0123456789abcdef0123456789abcdef',
        accessIds: [accessId],
        scope: null,
        basis: 'Bộ luật Tố tụng hình sự 2015',
        until,
        decidedBy: { contract: { id: 'c06-to-ba-dinh-police-investigation', version: 1 } },
      },
    });
    const [a, b, c, d] = Array.from({ length: 4 }, () => crypto.randomUUID());
    await appender.append('access-subject2', [deferral(a!, '2026-08-29'), deferral(b!, '2026-08-30')]);
    await expect(
      appender.append('access-subject2', [deferral(c!, '2026-08-29'), deferral(d!, 'someday')]),
    ).rejects.toThrow(/DisclosureDeferred/);
    const stored = await raw.readStream('access-subject2');
    expect(stored.map((e) => (e.data as { accessIds: string[] }).accessIds[0])).toEqual([a, b]);
    expect(stored[1]!.position).toBe(stored[0]!.position + 1);
  });
});
