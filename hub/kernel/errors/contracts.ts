import { defineError } from './base.js';

// ── Data-sharing contracts ─────────────────────────────────────────────────────────────────────

export class ContractNotFoundError extends defineError({
  code: 'CONTRACT_NOT_FOUND',
  status: 404,
  args: (contractId: string) => ({ contractId }),
  message: (d) => `contract ${d.contractId} is not registered`,
}) {}

export class ContractStateError extends defineError({
  code: 'CONTRACT_INVALID_STATE',
  status: 409,
  args: (contractId: string, reason: string) => ({ contractId, reason }),
  message: (d) => `contract ${d.contractId}: ${d.reason}`,
}) {}
