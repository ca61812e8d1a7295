import { describe, expect, it } from 'vitest';
import { buildMetadata, followUpMetadata } from './metadata.js';

describe('buildMetadata', () => {
  it('fills defaults from the values passed in and keeps extra keys', () => {
    expect(
      buildMetadata({
        occurredAt: new Date('2025-07-01T01:02:03.000Z'),
        actor: { kind: 'agency', id: '000.00.01.H01' },
        correlationId: 'corr',
        extra: { traceId: 't-1', schemaVersion: 99 },
      }),
    ).toEqual({
      traceId: 't-1',
      occurredAt: '2025-07-01T01:02:03.000Z',
      actor: { kind: 'agency', id: '000.00.01.H01' },
      correlationId: 'corr',
      causationId: null,
      schemaVersion: 1,
    });
  });

  it('continues the correlation of the causing event', () => {
    const cause = { id: 'e-1', metadata: { correlationId: 'corr' } };
    const meta = followUpMetadata(cause, {
      occurredAt: '2025-07-01T00:00:00+07:00',
      actor: { kind: 'system', id: 'router' },
      schemaVersion: 2,
    });
    expect(meta).toMatchObject({ correlationId: 'corr', causationId: 'e-1', schemaVersion: 2 });
  });
});
