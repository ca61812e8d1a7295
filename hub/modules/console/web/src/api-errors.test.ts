import { describe, expect, it } from 'vitest';
import { errorOf } from './api-errors.ts';

describe("the hub's errors as the console tells them", () => {
  it('reads a refused token from a GraphQL answer and from the HTTP layer', () => {
    const graphql = errorOf(401, {
      data: null,
      errors: [
        {
          message: 'unauthenticated: token expired',
          extensions: { code: 'UNAUTHENTICATED', hubCode: 'AUTH_UNAUTHENTICATED', reason: 'token expired' },
        },
      ],
    });
    expect(graphql.kind).toBe('unauthenticated');
    expect(graphql.details).toMatchObject({
      reason: 'token expired',
      hubCode: 'AUTH_UNAUTHENTICATED',
      status: 401,
    });
    const http = errorOf(401, {
      code: 'AUTH_UNAUTHENTICATED',
      message: 'unauthenticated',
      details: { reason: 'malformed token' },
    });
    expect(http.kind).toBe('unauthenticated');
    expect(http.details.reason).toBe('malformed token');
  });

  it('names a query field the hub does not have', () => {
    const error = errorOf(400, {
      errors: [
        {
          message: 'Cannot query field "accessLogSearch" on type "Query".',
          extensions: { code: 'BAD_USER_INPUT' },
        },
      ],
    });
    expect(error.kind).toBe('unsupported');
    expect(error.details.field).toBe('accessLogSearch');
    const type = errorOf(400, {
      errors: [{ message: 'Unknown type "AccessLogFilter". Did you mean "DossierFilter"?' }],
    });
    expect(type.kind).toBe('unsupported');
    expect(type.details.field).toBe('AccessLogFilter');
  });

  it('classes the other codes, or the status when there is no body', () => {
    const kind = (status: number, code?: string) =>
      errorOf(status, code ? { errors: [{ message: code, extensions: { code } }] } : undefined).kind;
    expect(kind(200, 'FORBIDDEN')).toBe('forbidden');
    expect(kind(429, 'RATE_LIMITED')).toBe('rate-limited');
    expect(kind(200, 'BAD_USER_INPUT')).toBe('bad-input');
    expect(kind(200, 'CONSENT_REQUIRED')).toBe('bad-input');
    expect(kind(500, 'INTERNAL')).toBe('internal');
    expect(kind(503)).toBe('unavailable');
    expect(kind(404)).toBe('bad-input');
    expect(kind(502)).toBe('internal');
  });
});
