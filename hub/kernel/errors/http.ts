import { defineError, HubError } from './base.js';

// ── HTTP service ───────────────────────────────────────────────────────────────────────────────

export class RouteNotFoundError extends defineError({
  code: 'HTTP_ROUTE_NOT_FOUND',
  status: 404,
  args: (method: string, path: string) => ({ method, path }),
  message: (d) => `no route ${d.method} ${d.path}`,
}) {}

/** A request the HTTP layer refused before any handler ran (bad JSON, wrong media type, too large). */
export class BadRequestError extends HubError {
  readonly code = 'HTTP_BAD_REQUEST';
  constructor(
    /** The status fastify chose (400, 413, 415, …). */
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A file the hub serves from an installed package is missing: the installation is incomplete. */
export class AssetMissingError extends defineError({
  code: 'HTTP_ASSET_MISSING',
  status: 500,
  args: (asset: string) => ({ asset }),
  message: (d) => `${d.asset} is missing: reinstall the hub's packages (npm ci)`,
}) {}

/** The inspector console's bundle is not built in the hub's folder (`/console/` answers this until it is). */
export class ConsoleNotBuiltError extends defineError({
  code: 'HTTP_CONSOLE_NOT_BUILT',
  status: 503,
  args: (command: string) => ({ command }),
  message: (d) => `the inspector console is not built: run ${d.command}`,
}) {}
