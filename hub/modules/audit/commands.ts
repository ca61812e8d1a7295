import type { Command } from '../../kernel/decider/index.js';
import type { AuditCheckpointSignedData } from './events.js';

/** Record a checkpoint signed over the log as it stands (the service signs; the decider records). */
export type RecordAuditCheckpoint = Command<'RecordAuditCheckpoint', AuditCheckpointSignedData>;

export type AuditCommand = RecordAuditCheckpoint;
