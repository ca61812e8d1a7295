import { HubError } from './base.js';

// ── Configuration ──────────────────────────────────────────────────────────────────────────────

export class ConfigError extends HubError {
  readonly code = 'CONFIG_INVALID';
  readonly status = 500;
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`${variable}: ${reason}`);
  }
  override details() {
    return { variable: this.variable };
  }
}

// ── GraphQL API ────────────────────────────────────────────────────────────────────────────────

/** Bad input to the API: `field` names the argument, variable or body member (`purpose`, `input.scope[0].fields`). */
export class ApiBadInputError extends HubError {
  readonly code = 'API_BAD_INPUT';
  readonly status = 400;
  constructor(
    readonly reason: string,
    readonly input: { field?: string; limit?: { name: string; max: number; actual: number } } = {},
  ) {
    super(reason);
  }
  override details() {
    return {
      ...(this.input.field ? { field: this.input.field } : {}),
      ...(this.input.limit ? { limit: this.input.limit } : {}),
    };
  }
}

// ── HTTP service ───────────────────────────────────────────────────────────────────────────────

export class RouteNotFoundError extends HubError {
  readonly code = 'HTTP_ROUTE_NOT_FOUND';
  readonly status = 404;
  constructor(
    readonly method: string,
    readonly path: string,
  ) {
    super(`no route ${method} ${path}`);
  }
  override details() {
    return { method: this.method, path: this.path };
  }
}

/** A request the HTTP layer refused before any handler ran (bad JSON, wrong media type, too large). */
export class BadRequestError extends HubError {
  readonly code = 'HTTP_BAD_REQUEST';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
