import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyServerOptions } from 'fastify';
import type { Logger, LoggerOptions } from 'pino';
import type { Config } from './config.js';

/**
 * Paths never written to logs: credentials, and event payloads or fields that may hold personal
 * data. Event ids, types, streams and positions stay visible for tracing.
 */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'data',
  '*.data',
  'events[*].data',
  '*.events[*].data',
  'personalId',
  '*.personalId',
  'fullName',
  '*.fullName',
  'dateOfBirth',
  '*.dateOfBirth',
  'password',
  '*.password',
  'token',
  '*.token',
];

/** JSON logs everywhere; pretty, human-readable lines only in the development profile. */
export function loggerOptions(config: Pick<Config, 'log'>): LoggerOptions {
  return {
    level: config.log.level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        // Query strings may carry identifiers; only the path is logged.
        url: req.url.split('?')[0],
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    ...(config.log.pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' },
          },
        }
      : {}),
  };
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Honours an incoming `x-request-id` when it is a short, safe token; otherwise a new UUID. */
export function requestId(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** Fastify options for request ids (logged as `reqId`, fastify's default label). */
export const requestIdOptions = {
  genReqId: requestId,
  requestIdHeader: false,
} as const satisfies Pick<FastifyServerOptions, 'genReqId' | 'requestIdHeader'>;

/**
 * A child logger for one part of the hub, so that every line carries one `module`. Pino cannot drop
 * a binding, and a child that binds `module` again writes the key twice; so the outermost part names
 * the `module`, a part running inside another (the release service inside the API, a connector run
 * by the demo seed) keeps it and names itself as `component`, and a part with the same name as its
 * parent adds only its other bindings.
 */
export function moduleLogger(parent: Logger, name: string, bindings: Record<string, unknown> = {}): Logger {
  const outer = parent.bindings().module;
  if (outer === undefined) return parent.child({ module: name, ...bindings });
  if (outer === name) return Object.keys(bindings).length > 0 ? parent.child(bindings) : parent;
  return parent.child({ component: name, ...bindings });
}
