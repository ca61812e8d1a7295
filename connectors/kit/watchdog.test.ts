import { describe, expect, it } from 'vitest';
import { watchIdle } from './watchdog.js';

/** A source that yields `batches` then waits, until aborted, for a batch that never comes. */
async function* stalling(batches: number, signal: AbortSignal, closed: string[], waiting = () => {}) {
  try {
    for (let i = 0; i < batches; i++) yield i;
    waiting();
    await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
  } finally {
    closed.push('closed');
  }
}

const options = (controller: AbortController) => ({
  idleMs: 50,
  controller,
  timeout: () => new Error('no batch within 50 ms'),
  closed: () => new Error('closed by the run'),
});

describe('watchIdle: the watchdog on a source’s batches', () => {
  it('passes batches through, then fails a read that gets no answer and aborts the source', async () => {
    const controller = new AbortController();
    const closed: string[] = [];
    const it = watchIdle(stalling(2, controller.signal, closed), options(controller));
    // Asked for all at once (as the read-ahead does): each clock starts when the source starts on it.
    const steps = [it.next(), it.next(), it.next()];
    expect(await steps[0]).toEqual({ done: false, value: 0 });
    expect(await steps[1]).toEqual({ done: false, value: 1 });
    await expect(steps[2]).rejects.toThrow('no batch within 50 ms');
    expect(controller.signal.reason).toEqual(new Error('no batch within 50 ms'));
    await expect(it.next()).rejects.toThrow('no batch within 50 ms');
    await it.return();
    expect(closed).toEqual(['closed']);
  });

  it('return() while a read is pending aborts it and lets the source close', async () => {
    const controller = new AbortController();
    const closed: string[] = [];
    let waiting!: () => void;
    const started = new Promise<void>((resolve) => (waiting = resolve));
    const source = stalling(0, controller.signal, closed, waiting);
    const it = watchIdle(source, { ...options(controller), idleMs: 60_000 });
    const pending = it.next();
    pending.catch(() => undefined);
    await started;
    expect(await it.return()).toEqual({ done: true, value: undefined });
    expect(controller.signal.reason).toEqual(new Error('closed by the run'));
    await expect(pending).rejects.toThrow('closed by the run');
    expect(closed).toEqual(['closed']);
  });
});
