import { defineError } from './base.js';

// ── Operator CLI ───────────────────────────────────────────────────────────────────────────────

/** `store check` found problems in a database file. */
export class IntegrityCheckError extends defineError({
  code: 'CHECK_INTEGRITY_FAILED',
  status: 500,
  args: (problems: number) => ({ problems }),
  message: (d) => `integrity check found ${d.problems} problem(s); see the report above`,
}) {}
