import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { withValidation } from '../../events/validating-store.js';
import { createEventValidator } from '../../events/validator.js';
import { openSqliteEventStore, type SqliteEventStore } from '../../eventstore/sqlite.js';
import type { EventStore } from '../../kernel/event-store.js';
import { buildMetadata } from '../../kernel/metadata.js';
import { silentLogger, tempDir } from '../../testing/temp.js';
import type {
  AccessRateLimitedData,
  DataAccessDenied,
  DataAccessDeniedData,
  DataAccessed,
} from './events.js';
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

  it('gathers the RATE_LIMITED refusals of an agency across citizens: O(1) events per window', async () => {
    const r = await open({ windowMs: 60_000 });
    const N = 300;
    const subject = (i: number) => i.toString(16).padStart(32, '0');
    const limited = (i: number) =>
      denial({ reason: 'RATE_LIMITED', subject: subject(i), purpose: `p-${i % 30}`, requestId: `r-${i}` });
    for (let i = 0; i < N; i++) {
      clock = i;
      await r.denied(`access-${subject(i)}`, limited(i));
    }
    const agencyStream = 'accesslimited-000.04.01.H26';
    const read = async () =>
      (await raw!.readStream(agencyStream)).map((e) => e.data as AccessRateLimitedData);
    // the first at once, the rest held; no citizen's stream written
    expect(await read()).toHaveLength(1);
    for (const i of [0, 1, N - 1]) await expect(raw!.readStream(`access-${subject(i)}`)).rejects.toThrow();

    clock = 60_000;
    await r.flushEnded();
    let events = await read();
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ count: 1, subjects: { listed: [subject(0)], others: 0 } });
    const rest = events[1]!;
    expect(rest.count).toBe(N - 1);
    expect(rest.subjects.listed).toHaveLength(100);
    expect(rest.subjects.listed[0]).toBe(subject(1));
    expect(rest.subjects.others).toBe(N - 1 - 100);
    expect(rest.purposes.listed).toHaveLength(20);
    expect(rest.officials).toEqual({ listed: ['cb-1'], others: 0 });
    expect([rest.firstAt, rest.lastAt]).toEqual([denialAt(1), denialAt(N - 1)]);

    // the next window: again O(1), and the counts add up to every refusal
    for (let i = 0; i < N; i++) await r.denied(`access-${subject(i)}`, limited(i));
    await r.close();
    events = await read();
    expect(events).toHaveLength(4);
    expect(events.reduce((n, e) => n + e.count, 0)).toBe(2 * N);
  });

  it("writes an agency's held RATE_LIMITED refusals before anything else it causes", async () => {
    const r = await open();
    for (let i = 0; i < 5; i++) await r.denied(STREAM, denial({ reason: 'RATE_LIMITED' }));
    const release: DataAccessed = {
      ...denial(),
      type: 'DataAccessed',
      data: { ...denial().data, contract: { id: 'c', version: 1 }, consentId: null, sources: [] },
    } as unknown as DataAccessed;
    delete (release.data as Partial<DataAccessDeniedData>).reason;
    await r.released(STREAM, release);
    const all = await raw!.readAll();
    expect(all.map((e) => [e.type, (e.data as Partial<AccessRateLimitedData>).count ?? null])).toEqual([
      ['AccessRateLimited', 1],
      ['AccessRateLimited', 4],
      ['DataAccessed', null],
    ]);
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
