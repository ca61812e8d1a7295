/**
 * Every error the hub raises on purpose, grouped by area (one file per area in hub/kernel/errors/). Each
 * carries a stable `code` (`<AREA>_<WHAT>`), an HTTP status for the API layer and structured details;
 * none carries personal data in its message.
 */
export abstract class HubError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  /** Classification used by connectors and retries. */
  readonly retryable: boolean = false;

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, ...this.details() };
  }

  details(): Record<string, unknown> {
    return {};
  }
}
