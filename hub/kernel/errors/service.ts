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

export class ApiBadInputError extends HubError {
  readonly code = 'API_BAD_INPUT';
  readonly status = 400;
  constructor(
    readonly reason: string,
    readonly limit?: { name: string; max: number; actual: number },
  ) {
    super(reason);
  }
  override details() {
    return this.limit ? { limit: this.limit } : {};
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
