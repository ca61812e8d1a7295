import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { AuthUnauthenticatedError } from '../kernel/errors/index.js';
import type { Principal } from '../kernel/principal.js';
import { AGENCY_AUTH, authPlugin, requireRole } from './plugin.js';

const inspector: Principal = {
  agency: '000.00.00.G22',
  role: 'inspector',
  official: 'TT-01',
  tokenId: 'j',
  expiresAt: 2_000_000_000,
};

async function app() {
  const a = Fastify();
  await a.register(authPlugin, {
    authenticate: async (header) => {
      if (header === 'Bearer good.token.sig') return inspector;
      throw new AuthUnauthenticatedError('signature verification failed', 'invalid_token');
    },
  });
  a.get('/open', { config: AGENCY_AUTH }, async (req) => ({ principal: req.principal }));
  a.get(
    '/audit',
    { config: AGENCY_AUTH, preHandler: requireRole('inspector', 'operator') },
    async (req) => req.principal,
  );
  a.get('/consume', { config: AGENCY_AUTH, preHandler: requireRole('consumer') }, async () => ({ ok: true }));
  a.get('/public', async (req) => ({ principal: req.principal }));
  return a;
}

describe('authPlugin', () => {
  it('decorates request.principal (null without a header)', async () => {
    const a = await app();
    expect((await a.inject({ url: '/open' })).json()).toEqual({ principal: null });
    const res = await a.inject({ url: '/audit', headers: { authorization: 'Bearer good.token.sig' } });
    expect(res.json()).toEqual(inspector);
  });

  it('401 with a WWW-Authenticate challenge; 403 for the wrong role', async () => {
    const a = await app();
    const none = await a.inject({ url: '/audit' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="lienthong"');
    const bad = await a.inject({ url: '/open', headers: { authorization: 'Bearer bad.token.sig' } });
    expect(bad.statusCode).toBe(401);
    expect(bad.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(bad.body).not.toContain('bad.token.sig');
    const wrong = await a.inject({ url: '/consume', headers: { authorization: 'Bearer good.token.sig' } });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().code).toBe('AUTH_FORBIDDEN');
  });

  it('reads the header only on routes that take agency tokens', async () => {
    const a = await app();
    const other = await a.inject({ url: '/public', headers: { authorization: 'Bearer bad.token.sig' } });
    expect(other.statusCode).toBe(200);
    expect(other.json()).toEqual({ principal: null });
  });
});
