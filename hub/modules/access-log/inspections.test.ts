import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { withValidation } from '../../events/validating-store.js';
import { createEventValidator } from '../../events/validator.js';
import { openSqliteEventStore, type SqliteEventStore } from '../../eventstore/sqlite.js';
import { EventValidationError } from '../../kernel/errors/index.js';
import type { Principal } from '../../kernel/principal.js';
import { silentLogger, tempDir } from '../../testing/temp.js';
import type { InspectionPerformedData } from './events.js';
import { InspectionLog } from './inspections.js';

const inspector: Principal = {
  agency: '000.00.00.G17',
  role: 'inspector',
  official: 'tt-1',
  tokenId: 'jti-1',
  expiresAt: 0,
};
const SUBJECT = '0123456789abcdef0123456789abcdef';

describe('InspectionLog', () => {
  const temp = tempDir();
  let raw: SqliteEventStore | undefined;
  afterEach(async () => {
    await raw?.close();
  });
  afterAll(() => temp.remove());

  const open = async (name: string) => {
    raw = await openSqliteEventStore({ file: path.join(temp.dir, `${name}.db`), logger: silentLogger() });
    return withValidation(raw, createEventValidator());
  };

  it('appends one InspectionPerformed per read on the agency stream, in order, and returns its id', async () => {
    const log = new InspectionLog(await open('order'), { clock: () => new Date('2026-03-01T02:00:00Z') });
    const ids = await Promise.all(
      [3, 1, 4].map((count, n) =>
        log.record(inspector, {
          kind: n === 0 ? 'access-log' : 'lineage',
          subject: n === 2 ? null : SUBJECT,
          query: { agency: '000.04.01.H26', n },
          count,
          requestId: `req-${n}`,
        }),
      ),
    );
    const events = await raw!.readStream('inspection-000.00.00.G17');
    expect(events.map((e) => e.id)).toEqual(ids);
    expect(events.map((e) => e.type)).toEqual(Array(3).fill('InspectionPerformed'));
    const first = events[0]!.data as InspectionPerformedData;
    expect(first).toEqual({
      caller: { agency: '000.00.00.G17', official: 'tt-1', role: 'inspector', tokenId: 'jti-1' },
      kind: 'access-log',
      subject: SUBJECT,
      query: { agency: '000.04.01.H26', n: 0 },
      count: 3,
      requestId: 'req-0',
    });
    expect(events[0]!.metadata.occurredAt).toBe('2026-03-01T02:00:00.000Z');
    expect(events[0]!.metadata.correlationId).toBe('req-0');
    expect((events[2]!.data as InspectionPerformedData).subject).toBeNull();
  });

  it('refuses what its schema cannot hold and writes nothing', async () => {
    const store = await open('refused');
    const log = new InspectionLog(store);
    await expect(
      log.record(inspector, {
        kind: 'access-log',
        subject: 'not-a-pseudonym',
        query: {},
        count: 0,
        requestId: 'r',
      }),
    ).rejects.toBeInstanceOf(EventValidationError);
    expect((await store.info()).lastPosition).toBe(0);
  });
});
