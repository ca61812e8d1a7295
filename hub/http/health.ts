import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** What one readiness check found. `reason` says why it is not ready; `info` is shown either way. */
export interface CheckResult {
  ok: boolean;
  reason?: string;
  info?: Record<string, unknown>;
}

export type ReadinessCheck = () => CheckResult | Promise<CheckResult>;

export interface Readiness {
  /** Adds a named check that GET /health/ready runs on every call. */
  add(name: string, check: ReadinessCheck): void;
  run(): Promise<{ ready: boolean; checks: Record<string, CheckResult> }>;
}

declare module 'fastify' {
  interface FastifyInstance {
    readiness: Readiness;
  }
}

export interface HealthOptions {
  /** A check that takes longer than this counts as failed. */
  checkTimeoutMs?: number;
}

function createReadiness(timeoutMs: number): Readiness {
  const checks = new Map<string, ReadinessCheck>();
  const runOne = async (check: ReadinessCheck): Promise<CheckResult> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<CheckResult>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, reason: `no answer within ${timeoutMs} ms` }), timeoutMs);
    });
    try {
      return await Promise.race([Promise.resolve().then(check), timeout]);
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : 'check failed' };
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    add(name, check) {
      checks.set(name, check);
    },
    async run() {
      const entries = await Promise.all(
        [...checks].map(async ([name, check]) => [name, await runOne(check)] as const),
      );
      return { ready: entries.every(([, result]) => result.ok), checks: Object.fromEntries(entries) };
    },
  };
}

/**
 * GET /health/live: 200 while the process serves requests (no dependency is consulted).
 * GET /health/ready: 200 when every registered check passes, else 503 naming the failed checks.
 */
export const healthPlugin = fp<HealthOptions>(
  async (app: FastifyInstance, options) => {
    app.decorate('readiness', createReadiness(options.checkTimeoutMs ?? 2000));

    app.get('/health/live', { logLevel: 'warn' }, async () => ({ status: 'live' }));

    app.get('/health/ready', { logLevel: 'warn' }, async (_request, reply) => {
      const { ready, checks } = await app.readiness.run();
      const failed = Object.keys(checks).filter((name) => !checks[name]!.ok);
      reply.code(ready ? 200 : 503);
      return ready ? { status: 'ready', checks } : { status: 'not_ready', failed, checks };
    });
  },
  { name: 'health', fastify: '5.x' },
);
