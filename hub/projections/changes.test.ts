import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ReadModelDb } from '../kernel/read-model.js';
import { tempDir } from '../testing/temp.js';
import { ReadModelChanges } from './changes.js';
import { openReadModelDb } from './db.js';

describe('ReadModelChanges', () => {
  const temp = tempDir('lt-changes-');
  const open: ReadModelDb[] = [];
  afterEach(() => {
    for (const db of open.splice(0)) db.close();
  });
  afterAll(() => temp.remove());

  function setup(name: string) {
    const file = path.join(temp.dir, `${name}.db`);
    const db = openReadModelDb(file);
    open.push(db);
    db.exec('CREATE TABLE items (k TEXT PRIMARY KEY, v TEXT)');
    db.prepare("INSERT INTO items VALUES ('a', 'one')").run();
    const select = db.prepare<[string], { v: string }>('SELECT v FROM items WHERE k = ?');
    let computed = 0;
    const get = ReadModelChanges.of(db).memo(
      'items',
      (k: string) => k,
      (k: string) => {
        computed++;
        return select.get(k)?.v ?? null;
      },
    );
    return { file, db, get, computed: () => computed };
  }

  it('serves the memo until this process bumps the model, and ignores other models', () => {
    const { db, get, computed } = setup('local');
    expect(get('a')).toBe('one');
    expect(get('a')).toBe('one');
    expect(computed()).toBe(1);
    db.prepare("UPDATE items SET v = 'two' WHERE k = 'a'").run();
    ReadModelChanges.of(db).bump('other-model');
    expect(get('a')).toBe('one');
    ReadModelChanges.of(db).bump('items');
    expect(get('a')).toBe('two');
    expect(computed()).toBe(2);
  });

  it('remembers misses too', () => {
    const { get, computed } = setup('misses');
    expect(get('missing')).toBeNull();
    expect(get('missing')).toBeNull();
    expect(computed()).toBe(1);
  });

  it('sees a commit by another connection (another process) from the next event-loop turn', async () => {
    const { file, get } = setup('foreign');
    expect(get('a')).toBe('one');
    const other = new Database(file);
    open.push(other);
    other.prepare("UPDATE items SET v = 'from elsewhere' WHERE k = 'a'").run();
    await nextTurn();
    expect(get('a')).toBe('from elsewhere');
  });
});
