import { type Decider, eventOf } from '../../kernel/decider/index.js';
import { AuditLogInconsistentError } from '../../kernel/errors/index.js';
import type { AuditCommand } from './commands.js';
import type { AuditCheckpointSigned, AuditCheckpointSignedData } from './events.js';

/** The checkpoint stream's state: its latest checkpoint (the one every new one must extend). */
export interface CheckpointState {
  latest: AuditCheckpointSignedData | null;
}

/**
 * Records a checkpoint only when it covers more entries than the latest: the same size with the
 * same tree head is nothing new, a smaller size is already covered (another process signed a later
 * one), and the same size with another tree head is refused — the hub never signs two heads for one
 * size. That a larger tree extends the latest is checked against the tree before signing.
 */
export const auditCheckpointDecider: Decider<AuditCommand, CheckpointState, AuditCheckpointSigned> = {
  initialState: () => ({ latest: null }),
  decide(command, state) {
    const next = command.data;
    const latest = state.latest;
    if (latest && next.size <= latest.size) {
      if (next.size === latest.size && next.rootHash !== latest.rootHash) {
        throw new AuditLogInconsistentError(latest.size, 'another tree head was signed for this size');
      }
      return [];
    }
    return [eventOf(command.meta, 'AuditCheckpointSigned', next)];
  },
  evolve(state, event) {
    if (event.type !== 'AuditCheckpointSigned') return state;
    return { latest: event.data };
  },
};
