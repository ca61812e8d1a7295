import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageFullError, StoreFileError } from '../kernel/errors/index.js';
import { readEventFields } from '../kernel/event-fields.js';
import type { EventStore, FieldsQuery } from '../kernel/event-store.js';
import { silentLogger, tempDir } from '../testing/temp.js';
import { testEvent, uniqueStream } from './conformance.js';
import { openSqliteEventStore, type SqliteEventStore } from './sqlite.js';

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const open = (file: string, maxBytes?: number) =>
  openSqliteEventStore({ file, maxBytes, logger: silentLogger() });

describe('sqlite event store file handling', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.remove());

  it('refuses a file that is not SQLite, naming the file, and leaves it untouched', async () => {
    const file = path.join(tmp.dir, 'events.db');
    fs.writeFileSync(file, 'name,personal_id\nNguyễn Văn A,001099012345\n');
    const before = sha(file);
    await expect(open(file)).rejects.toThrowError(StoreFileError);
    await expect(open(file)).rejects.toThrow(/events\.db: not a SQLite database/);
    expect(sha(file)).toBe(before);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });

  it('refuses a SQLite database of another application and leaves it untouched', async () => {
    const file = path.join(tmp.dir, 'foreign.db');
    const foreign = new Database(file);
    foreign.exec("CREATE TABLE citizens (id TEXT); INSERT INTO citizens VALUES ('x');");
    foreign.close();
    const before = sha(file);
    await expect(open(file)).rejects.toThrow(/another application/);
    expect(sha(file)).toBe(before);
  });

  it('refuses a damaged event store and leaves it untouched', async () => {
    const file = path.join(tmp.dir, 'events.db');
    const store = await open(file);
    for (let i = 0; i < 50; i++) {
      await store.append(uniqueStream(), [testEvent('TestHappened', { pad: 'x'.repeat(2000) })], {
        expectedRevision: 'no_stream',
      });
    }
    await store.close();
    const bytes = fs.readFileSync(file);
    bytes.fill(0xa5, 4096 * 3, 4096 * 6);
    fs.writeFileSync(file, bytes);
    const before = sha(file);
    await expect(open(file)).rejects.toThrow(/damaged|unreadable/);
    expect(sha(file)).toBe(before);
  });

  it('reopens its own file and continues where it left off', async () => {
    const file = path.join(tmp.dir, 'nested', 'dir', 'events.db');
    const s = uniqueStream();
    const first = await open(file);
    await first.append(s, [testEvent()], { expectedRevision: 'no_stream' });
    await first.close();
    const second = await open(file);
    const r = await second.append(s, [testEvent()], { expectedRevision: 0 });
    expect(r.nextExpectedRevision).toBe(1);
    expect(second.integrityCheck()).toEqual(['ok']);
    await second.close();
  });
});

describe('sqlite event store when the disk is full', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: SqliteEventStore;
  beforeEach(async () => {
    tmp = tempDir();
    store = await open(path.join(tmp.dir, 'events.db'), 256 * 1024);
  });
  afterEach(async () => {
    await store.close();
    tmp.remove();
  });

  it('fails with a typed error, writes no partial event, and works again once space is back', async () => {
    const s = uniqueStream();
    let revision: number | 'no_stream' = 'no_stream';
    let full: unknown;
    const pad = 'đ'.repeat(3000);
    for (let i = 0; i < 500 && !full; i++) {
      try {
        const batch = [testEvent('TestHappened', { pad }), testEvent('TestHappened', { pad })];
        revision = (await store.append(s, batch, { expectedRevision: revision })).nextExpectedRevision;
      } catch (e) {
        full = e;
      }
    }
    expect(full).toBeInstanceOf(StorageFullError);
    expect(full).toMatchObject({ code: 'EVENTSTORE_STORAGE_FULL', retryable: true });
    const stored = await store.readStream(s);
    expect(stored.length % 2).toBe(0);
    expect(stored.at(-1)!.revision).toBe(revision);
    expect(stored.map((e) => e.revision)).toEqual(stored.map((_, i) => i));

    store.setSizeLimit(undefined);
    const r = await store.append(s, [testEvent()], { expectedRevision: revision });
    expect(r.nextExpectedRevision).toBe((revision as number) + 1);
    expect(store.integrityCheck()).toEqual(['ok']);
  });
});

describe('sqlite group commit', () => {
  it('commits concurrent appends together, acknowledging each after the shared commit', async () => {
    const tmp = tempDir();
    const commits: { appends: number; events: number }[] = [];
    const store = await openSqliteEventStore({
      file: path.join(tmp.dir, 'events.db'),
      logger: silentLogger(),
      observer: { committed: (c) => commits.push(c) },
    });
    const results = await Promise.all(
      Array.from({ length: 200 }, () =>
        store.append(uniqueStream(), [testEvent()], { expectedRevision: 'no_stream' }),
      ),
    );
    const positions = results.map((r) => r.position).sort((a, b) => a - b);
    expect(new Set(positions).size).toBe(200);
    expect(positions.at(-1)! - positions[0]!).toBe(199);
    expect(commits.reduce((n, c) => n + c.appends, 0)).toBe(200);
    expect(commits.length).toBeLessThan(10);
    await store.close();
    tmp.remove();
  });
});

describe('sqlite fields reads', () => {
  it('give the rows a decoding store gives, per part and page, the fields extracted in SQL', async () => {
    const tmp = tempDir();
    const store = await open(path.join(tmp.dir, 'events.db'));
    try {
      for (let n = 0; n < 60; n++) {
        const stream = `order-${n % 7}x${n}`;
        const data = { key: `k-${n % 13}`, nested: { amount: n, flag: n % 2 === 0, list: [n] }, text: null };
        await store.append(stream, [{ ...testEvent(n % 3 === 0 ? 'Shipped' : 'Placed'), data }], {
          expectedRevision: 'no_stream',
        });
      }
      const decoding = { readAll: store.readAll.bind(store) } as unknown as EventStore;
      for (const partition of [
        undefined,
        ...[0, 1, 2].map((index) => ({ count: 3, index, keys: { Placed: 'data.key' } as const })),
      ]) {
        const query: FieldsQuery = {
          types: {
            Placed: [
              'data.key',
              'data.nested.amount',
              'data.nested.flag',
              'data.nested.list',
              'data.text',
              'data.missing',
              'metadata.occurredAt',
            ],
            Shipped: ['id', 'stream', 'data'],
          },
          streamPrefixes: ['order-'],
          upTo: 55,
          partition,
        };
        const all = async (from: EventStore) => {
          const rows = [];
          for (let last = 0, more = true; more; ) {
            const page = await readEventFields(from, { ...query, fromPosition: last, maxCount: 7 });
            rows.push(...page.rows.map((r) => r.slice(0, 3 + query.types[r[2]]!.length)));
            ({ last, more } = page);
          }
          return rows;
        };
        const sql = await all(store);
        expect(sql).toEqual(await all(decoding));
        expect(sql.length).toBeGreaterThan(partition ? 5 : 50);
      }
    } finally {
      await store.close();
      tmp.remove();
    }
  });
});
