import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

const gzip = promisify(zlib.gzip);

/**
 * A file a page served by the hub loads, held in memory: the GraphiQL page's builds and the
 * inspector console's bundle. Served with a strong entity tag, gzipped for clients that accept it.
 */
export interface WebAsset {
  readonly type: string;
  readonly body: Buffer;
  /** Strong entity tag: a hash of the content. */
  readonly etag: string;
  /** The body gzipped, computed on first use. */
  gzipped(): Promise<Buffer>;
}

/** Media types of the files such pages are made of, by extension (without the dot). */
export const WEB_MEDIA_TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  json: 'application/json; charset=utf-8',
  woff2: 'font/woff2',
};

/** The first 16 characters of the content's SHA-256 (base64url): what hashed names and entity tags use. */
export const contentHash = (body: Buffer): string =>
  createHash('sha256').update(body).digest('base64url').slice(0, 16);

/** An asset of `body`, served as `type`. */
export function webAsset(type: string, body: Buffer): WebAsset {
  let gzipped: Promise<Buffer> | undefined;
  return {
    type,
    body,
    etag: `"${contentHash(body)}"`,
    gzipped: () => {
      gzipped ??= gzip(body, { level: 9 });
      return gzipped;
    },
  };
}

/** `gzip` is acceptable unless the client gave it (or `*`, when gzip is not named) q=0. */
export function acceptsGzip(header: string | undefined): boolean {
  let star = false;
  for (const part of (header ?? '').toLowerCase().split(',')) {
    const [coding, ...params] = part.trim().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const accepted = q === undefined || Number(q.slice(2)) > 0;
    if (coding === 'gzip') return accepted;
    if (coding === '*') star = accepted;
  }
  return star;
}

/** The headers every response of such a page carries: its content security policy, no sniffing, no framing. */
export function pageSecurityHeaders(reply: FastifyReply, csp: string): FastifyReply {
  return reply
    .header('content-security-policy', csp)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY');
}

/**
 * Answers with `asset` under `cacheControl`: 304 when the request names its entity tag, gzipped
 * when the client accepts it. The caller sets the security headers.
 */
export async function sendWebAsset(
  request: FastifyRequest,
  reply: FastifyReply,
  asset: WebAsset,
  cacheControl: string,
): Promise<Buffer | undefined> {
  reply
    .header('cache-control', cacheControl)
    .header('etag', asset.etag)
    .header('vary', 'accept-encoding')
    .type(asset.type);
  const known = request.headers['if-none-match']?.split(',').map((tag) => tag.trim());
  if (known?.includes(asset.etag)) {
    reply.code(304);
    return undefined;
  }
  if (!acceptsGzip(request.headers['accept-encoding'])) return asset.body;
  reply.header('content-encoding', 'gzip');
  return asset.gzipped();
}
