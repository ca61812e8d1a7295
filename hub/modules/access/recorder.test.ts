import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { withValidation } from '../../events/validating-store.js';
import { createEventValidator } from '../../events/validator.js';
import { openSqliteEventStore, type SqliteEventStore } from '../../eventstore/sqlite.js';
import type { EventStore } from '../../kernel/event-store.js';
import { buildMetadata } from '../../kernel/metadata.js';
import { silentLogger, tempDir } from '../../testing/temp.js';
import type { DataAccessDenied, DataAccessDeniedData } from './events.js';
import { AccessRecorder } from './recorder.js';
import { StreamAppender } from './stream-appender.js';

const SUBJECT = '0123456789abcdef0123456789abcdef';
const STREAM = `access-${SUBJECT}`;
let clock = 0;
const at = () => new Date(Date.UTC(2026, 0, 1) + clock).toISOString();

function denial(over: Partial<DataAccessDeniedData> = {}): DataAccessDenied {
  return {
    id: crypto.randomUUID(),
    type: 'DataAccessDenied',
    data: {
      caller: { agency: '000.04.01.H26', official: 'cb-1', role: 'consumer', tokenId: 't' },
      subject: SUBJECT,
      dataset: 'population',
      fields: ['fullName'],
      purpose: 'tthc-1.001193',
      dossier: null,
      requestId: `r-${clock}`,
      reason: 'PURPOSE_NOT_ALLOWED',
      contract: null,
      consentId: null,
      ...over,
    },
    metadata: buildMetadata({
      occurredAt: at(),
      actor: { kind: 'agency', id: '000.04.01.H26' },
      correlationId: 'c',
    }),
  };
}

describe('AccessRecorder', () => {
  const temp = tempDir();
  let raw: SqliteEventStore | undefined;
  let recorder: AccessRecorder | undefined;
  afterEach(async () => {
    await recorder?.close();
    await raw?.close();
  });
  afterAll(() => temp.remove());

  async function open(options: { windowMs?: number; maxHeld?: number } = {}) {
    clock = 0;
    raw = await openSqliteEventStore({
      file: path.join(temp.dir, `${crypto.randomUUID()}.db`),
      logger: silentLogger(),
    });
    const store: EventStore = withValidation(raw, createEventValidator());
    recorder = new AccessRecorder(new StreamAppender(store), {
      logger: silentLogger(),
      now: () => clock,
      ...options,
    });
    return recorder;
  }
  const stored = async () => (await raw!.readStream(STREAM)).map((e) => e.data as DataAccessDeniedData);
  const total = (events: DataAccessDeniedData[]) => events.reduce((n, d) => n + (d.repeated?.count ?? 1), 0);

  it('writes N identical refusals as two valid events when the window closes', async () => {
    const r = await open({ windowMs: 60_000 });
    for (let i = 0; i < 1000; i++) {
      clock = i * 10;
      await r.denied(STREAM, denial());
    }
    expect(await stored()).toHaveLength(1);
    clock = 59_999;
    await r.flushEnded();
    expect(await stored()).toHaveLength(1);
    clock = 60_000;
    await r.flushEnded();
    const events = await stored();
    expect(events).toHaveLength(2);
    expect(events[1]!.repeated).toEqual({ count: 999, firstAt: denialAt(10), lastAt: denialAt(9990) });
    expect(events[1]!.requestId).toBe('r-9990');
    expect(total(events)).toBe(1000);
    // the next one opens a new window
    await r.denied(STREAM, denial());
    expect(await stored()).toHaveLength(3);
  });

  it('writes what is held before a different refusal to the same citizen, keeping the stream in order', async () => {
    const r = await open();
    for (let i = 0; i < 5; i++) await r.denied(STREAM, denial());
    await r.denied(STREAM, denial({ purpose: 'other' }));
    await r.denied(STREAM, denial({ purpose: 'other' }));
    await r.close();
    const events = await stored();
    expect(events.map((d) => [d.purpose, d.repeated?.count ?? 1])).toEqual([
      ['tthc-1.001193', 1],
      ['tthc-1.001193', 4],
      ['other', 1],
      ['other', 1],
    ]);
  });

  it('gathers the refusals of a rate-limited caller whatever purpose they name', async () => {
    const r = await open();
    for (let i = 0; i < 50; i++)
      await r.denied(STREAM, denial({ reason: 'RATE_LIMITED', purpose: `p-${i}` }));
    await r.close();
    const events = await stored();
    expect(events.map((d) => d.purpose)).toEqual(['p-0', 'p-49']);
    expect(total(events)).toBe(50);
  });

  it('holds at most maxHeld windows, writing the oldest early', async () => {
    const r = await open({ maxHeld: 2 });
    const other = (n: number) => `access-${String(n).padStart(32, '0')}`;
    for (const n of [1, 2, 3]) {
      await r.denied(other(n), denial({ subject: String(n).padStart(32, '0') }));
      await r.denied(other(n), denial({ subject: String(n).padStart(32, '0') }));
    }
    expect((await raw!.readStream(other(1))).length).toBe(2);
    expect((await raw!.readStream(other(3))).length).toBe(1);
    await r.close();
    expect((await raw!.readStream(other(3))).length).toBe(2);
  });
});

function denialAt(ms: number): string {
  return new Date(Date.UTC(2026, 0, 1) + ms).toISOString();
}
