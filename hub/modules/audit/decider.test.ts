import { describe, it } from 'vitest';
import { createEventValidator } from '../../events/validator.js';
import { DeciderSpecification } from '../../kernel/decider/index.js';
import { AuditLogInconsistentError } from '../../kernel/errors/index.js';
import { deciderFixtures } from '../../testing/decider.js';
import type { RecordAuditCheckpoint } from './commands.js';
import { auditCheckpointDecider } from './decider.js';
import type { AuditCheckpointSigned, AuditCheckpointSignedData } from './events.js';

const validator = createEventValidator();
const { given } = DeciderSpecification.for(auditCheckpointDecider, {
  validate: (e) => validator.validate(e),
});
const { meta, event } = deciderFixtures<AuditCheckpointSigned>('2026-03-02T08:00:00.000Z', 'hub-cli');

const checkpoint = (size: number, root = 'A'): AuditCheckpointSignedData => ({
  origin: 'hub.local/audit',
  size,
  rootHash: `${root.repeat(43)}=`,
  at: '2026-03-02T08:00:00.000Z',
  keyId: 'k'.repeat(43),
  signature: `${'s'.repeat(86)}==`,
});
const record = (n: number, data: AuditCheckpointSignedData): RecordAuditCheckpoint => ({
  type: 'RecordAuditCheckpoint',
  data,
  meta: meta(n),
});

describe('the checkpoint decider', () => {
  it('records the first checkpoint, then only checkpoints that cover more entries', () => {
    given([])
      .when(record(1, checkpoint(10)))
      .then([event(1, 'AuditCheckpointSigned', checkpoint(10))]);
    given([event(1, 'AuditCheckpointSigned', checkpoint(10))])
      .when(record(2, checkpoint(25, 'B')))
      .then([event(2, 'AuditCheckpointSigned', checkpoint(25, 'B'))]);
  });

  it('records nothing for the same tree again, or for a smaller one another process already covered', () => {
    given([event(1, 'AuditCheckpointSigned', checkpoint(10))])
      .when(record(2, checkpoint(10)))
      .thenNothing();
    given([event(1, 'AuditCheckpointSigned', checkpoint(10))])
      .when(record(2, checkpoint(4, 'C')))
      .thenNothing();
  });

  it('refuses a second tree head for a size already signed', () => {
    given([event(1, 'AuditCheckpointSigned', checkpoint(10))])
      .when(record(2, checkpoint(10, 'B')))
      .thenThrows(AuditLogInconsistentError, (e) => e.size === 10);
  });
});
