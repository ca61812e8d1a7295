import { defineError } from './base.js';

// ── Configuration ──────────────────────────────────────────────────────────────────────────────

/** A configuration value is missing or wrong. The message never holds the value of a secret. */
export class ConfigError extends defineError({
  code: 'CONFIG_INVALID',
  status: 500,
  args: (variable: string, reason: string) => ({ variable, reason }),
  message: (d) => `${d.variable}: ${d.reason}`,
  expose: (d) => ({ variable: d.variable }),
}) {}
