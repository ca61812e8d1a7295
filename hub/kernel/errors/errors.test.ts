import fs from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as registry from './index.js';
import {
  API_ERROR_CODES,
  type ApiErrorCode,
  AuthUnauthenticatedError,
  apiCode,
  ConnectorSourceError,
  ConsentNotActiveError,
  ConsentNotFoundError,
  defineError,
  HubError,
  type HubErrorCode,
  InvalidAppendError,
  RateLimitedError,
  StoreClosedError,
} from './index.js';

const isErrorClass = (value: unknown): value is { code: string; status: number } =>
  typeof value === 'function' && typeof (value as { code?: unknown }).code === 'string';
const classes = Object.values(registry as Record<string, unknown>).filter(isErrorClass);

describe('defineError', () => {
  it('makes classes that narrow with instanceof to typed fields, code, status, message and details', () => {
    const error: unknown = new ConsentNotFoundError('c-1');
    expect(error).toBeInstanceOf(HubError);
    expect(error).toBeInstanceOf(Error);
    if (!(error instanceof ConsentNotFoundError)) throw new Error('not narrowed');
    expectTypeOf(error.consentId).toEqualTypeOf<string>();
    expectTypeOf(error.code).toEqualTypeOf<'CONSENT_NOT_FOUND'>();
    expect(error.consentId).toBe('c-1');
    expect([error.code, error.status, error.message]).toEqual([
      'CONSENT_NOT_FOUND',
      404,
      'consent c-1 not found',
    ]);
    expect(error.details()).toEqual({ consentId: 'c-1' });
    expect(error.toJSON()).toEqual({
      code: 'CONSENT_NOT_FOUND',
      message: 'consent c-1 not found',
      consentId: 'c-1',
    });
    expect(error.retryable).toBe(false);
    expect(error.stack).toContain('errors.test.ts');
  });

  it('shows only what `expose` chooses, and keeps the rest as fields', () => {
    const notActive = new ConsentNotActiveError('c-1', 'withdrawn');
    expect(notActive.details()).toEqual({ consentId: 'c-1', status: 'withdrawn' });
    expect(notActive.status).toBe(409);
    expect(notActive.consentStatus).toBe('withdrawn');
    const append = new InvalidAppendError('an append needs at least one event');
    expect([append.message, append.details()]).toEqual(['an append needs at least one event', {}]);
  });

  it('carries retryability, and subclasses may add fields computed from the details', () => {
    expect(new RateLimitedError('k', 3).retryable).toBe(true);
    const challenge = new AuthUnauthenticatedError('expired', 'invalid_token');
    expect(challenge.headers['www-authenticate']).toBe(
      'Bearer realm="lienthong", error="invalid_token", error_description="expired"',
    );
    expect(challenge.details()).toEqual({ reason: 'expired' });
    expect(new AuthUnauthenticatedError('no token').headers['www-authenticate']).toBe(
      'Bearer realm="lienthong"',
    );
    expect(new StoreClosedError().message).toBe('event store is closed');
  });

  it('takes the details object when no argument mapping is given', () => {
    class Sample extends defineError({
      code: 'SAMPLE_BROKEN',
      status: 418,
      message: (d: { part: string; count: number }) => `${d.part} broke ${d.count} times`,
    }) {}
    const sample = new Sample({ part: 'pump', count: 2 });
    expect([sample.message, sample.part, sample.count, Sample.code, Sample.status]).toEqual([
      'pump broke 2 times',
      'pump',
      2,
      'SAMPLE_BROKEN',
      418,
    ]);
  });
});

describe('the registry', () => {
  it('has one class per code, every code written <AREA>_<WHAT>', () => {
    expect(classes.length).toBeGreaterThan(40);
    const codes = classes.map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^[A-Z]+_[A-Z_]+$/);
  });

  it('lists every area file in the index and in the union of codes', () => {
    const dir = new URL('./', import.meta.url);
    const areas = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .filter((f) => !['base.ts', 'codes.ts', 'index.ts', 'api-codes.ts'].includes(f));
    const index = fs.readFileSync(new URL('index.ts', dir), 'utf8');
    const codes = fs.readFileSync(new URL('codes.ts', dir), 'utf8');
    for (const area of areas) {
      const ref = `'./${area.replace(/\.ts$/, '.js')}'`;
      expect(index, area).toContain(ref);
      expect(codes, area).toContain(ref);
    }
  });

  it('derives the union of codes from the classes', () => {
    expectTypeOf<'CONSENT_NOT_FOUND'>().toExtend<HubErrorCode>();
    expectTypeOf<'CONNECTOR_SOURCE_TIMEOUT'>().toExtend<HubErrorCode>();
    expectTypeOf<'HTTP_BAD_REQUEST'>().toExtend<HubErrorCode>();
    expectTypeOf<'NOT_A_CODE'>().not.toExtend<HubErrorCode>();
    expectTypeOf<string>().not.toExtend<HubErrorCode>();
  });
});

describe('apiCode', () => {
  it('maps every hub error onto the API codes, by code first and status second', () => {
    expectTypeOf(apiCode).returns.toEqualTypeOf<ApiErrorCode>();
    expect(apiCode(new RateLimitedError('k', 1))).toBe('RATE_LIMITED');
    expect(apiCode(new registry.PurposeNotAllowedError('p', 'd'))).toBe('PURPOSE_NOT_ALLOWED');
    expect(apiCode(new registry.NoContractError('a', 'd'))).toBe('FORBIDDEN');
    expect(apiCode(new registry.AuthUnauthenticatedError('x'))).toBe('UNAUTHENTICATED');
    expect(apiCode(new ConsentNotFoundError('c'))).toBe('BAD_USER_INPUT');
    expect(apiCode(new registry.ApiBadInputError('too long'))).toBe('BAD_USER_INPUT');
    expect(apiCode(new ConnectorSourceError('TIMEOUT', 'pg', 'slow'))).toBe('INTERNAL');
    expect(apiCode(new StoreClosedError())).toBe('INTERNAL');
    for (const c of classes)
      expect(API_ERROR_CODES).toContain(apiCode({ code: c.code, status: c.status } as HubError));
  });
});
