import { createHash } from 'node:crypto';
import type { EventData } from '../../kernel/event-store.js';

/** Every event the crash workload writes is a pure function of (stream, revision): retries are identical. */
export function workloadEvent(stream: string, revision: number): EventData {
  const h = createHash('sha256').update(`${stream}:${revision}`).digest('hex');
  const id = `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  return {
    id,
    type: 'CrashProbeWritten',
    data: { stream, revision, payload: h.repeat(3) },
    metadata: {
      occurredAt: '2026-01-01T00:00:00.000Z',
      actor: { kind: 'system', id: 'crash-probe' },
      correlationId: id,
      causationId: null,
      schemaVersion: 1,
    },
  };
}

export const workloadStream = (writer: number, producer: number) => `crash-w${writer}p${producer}`;

/** Appends cover revisions in a fixed pattern (a batch of 3 every fifth revision, single events otherwise). */
export const batchSizeAt = (start: number) => (start % 5 === 0 ? 3 : 1);

/** The append (start revision and size) that wrote `revision`. */
export function batchContaining(revision: number): { start: number; size: number } {
  let start = 0;
  for (;;) {
    const size = batchSizeAt(start);
    if (revision < start + size) return { start, size };
    start += size;
  }
}
