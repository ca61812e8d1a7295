import { defineError } from './base.js';

// ── Deciders ───────────────────────────────────────────────────────────────────────────────────

/** A decider was given a command it does not know (only reachable from untyped callers). */
export class UnknownCommandError extends defineError({
  code: 'DECIDER_UNKNOWN_COMMAND',
  status: 400,
  args: (command: unknown) => ({ commandType: String((command as { type?: unknown } | null)?.type) }),
  message: (d) => `unknown command ${JSON.stringify(d.commandType)}`,
  expose: () => ({}),
}) {}
