import Fastify, { type FastifyInstance } from 'fastify';
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AUDIENCE } from '../hub/auth/authenticator.js';
import { errorsPlugin } from '../hub/http/errors.js';
import { ConfigError } from '../hub/kernel/errors/index.js';
import { ensureDemoKey } from '../hub/modules/agencies/index.js';
import { tempDir } from '../hub/testing/temp.js';
import { type DemoAgency, demoTokensPlugin } from './graphiql-tokens.js';

const BA_DINH = '000.04.01.H26';
const PORTAL = '000.10.00.G12';
const NOW = new Date('2026-11-22T04:00:00Z');

const temp = tempDir();
let app: FastifyInstance;
beforeAll(async () => {
  app = Fastify();
  await app.register(errorsPlugin);
  await app.register(demoTokensPlugin, {
    config: { dataDir: temp.dir, profile: 'development' },
    now: () => NOW,
  });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  temp.remove();
});

const mint = (body: Record<string, unknown>) =>
  app.inject({ method: 'POST', url: '/graphiql/demo-token', payload: body });

describe('demo tokens for the GraphiQL page', () => {
  it('lists the demo agencies in force with their roles, not retired ones', async () => {
    const res = await app.inject({ url: '/graphiql/demo-agencies' });
    expect(res.statusCode).toBe(200);
    const { agencies } = res.json() as { agencies: DemoAgency[] };
    expect(agencies).toContainEqual({
      organCode: BA_DINH,
      name: 'Ủy ban nhân dân Phường Ba Đình',
      englishName: "Ba Dinh Ward People's Committee",
      roles: ['consumer'],
    });
    expect(agencies.find((a) => a.organCode === PORTAL)?.roles).toEqual(['citizen-portal']);
    expect(agencies.map((a) => a.organCode)).not.toContain('001.00.00.H26');
  });

  it("signs a short-lived token with the agency's demo key", async () => {
    const publicJwk = await ensureDemoKey(temp.dir, BA_DINH);
    const res = await mint({ agency: BA_DINH, role: 'consumer' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json() as { token: string; expiresAt: string };
    expect(body.expiresAt).toBe('2026-11-22T04:15:00.000Z');
    expect(decodeProtectedHeader(body.token)).toMatchObject({ kid: publicJwk.kid, typ: 'at+jwt' });
    const { payload } = await jwtVerify(body.token, await importJWK(publicJwk, publicJwk.alg), {
      issuer: `urn:lienthong:agency:${BA_DINH}`,
      audience: DEFAULT_AUDIENCE,
      currentDate: NOW,
    });
    expect(payload).toMatchObject({ role: 'consumer', sub: 'graphiql-demo' });
    expect(payload.exp! - payload.iat!).toBe(900);
    expect(payload.citizen_pid).toBeUndefined();
  });

  it('names the official asked for (the inspector console asks for console-demo)', async () => {
    await ensureDemoKey(temp.dir, BA_DINH);
    const res = await mint({ agency: BA_DINH, role: 'consumer', official: 'console-demo' });
    const [, claims] = (res.json() as { token: string }).token.split('.');
    expect(JSON.parse(Buffer.from(claims!, 'base64url').toString())).toMatchObject({ sub: 'console-demo' });
  });

  it('names the citizen in a citizen-portal token, and requires one', async () => {
    await ensureDemoKey(temp.dir, PORTAL);
    expect((await mint({ agency: PORTAL, role: 'citizen-portal' })).json()).toMatchObject({
      code: 'DEMO_CITIZEN_REQUIRED',
    });
    const res = await mint({ agency: PORTAL, role: 'citizen-portal', citizenPid: '001099000123' });
    const [, claims] = (res.json() as { token: string }).token.split('.');
    expect(JSON.parse(Buffer.from(claims!, 'base64url').toString())).toMatchObject({
      role: 'citizen-portal',
      citizen_pid: '001099000123',
    });
  });

  it('refuses unknown agencies, roles they do not hold, bad input and agencies without a key yet', async () => {
    const refusals = [
      [{ agency: '001.00.00.H26', role: 'consumer' }, 404, 'DEMO_AGENCY_UNKNOWN'],
      [{ agency: 'nope', role: 'consumer' }, 404, 'DEMO_AGENCY_UNKNOWN'],
      [{ agency: BA_DINH, role: 'inspector' }, 400, 'DEMO_ROLE_NOT_HELD'],
      [{ agency: BA_DINH, role: 'king' }, 400, 'HTTP_BAD_REQUEST'],
      [{ agency: BA_DINH, role: 'consumer', citizenPid: '12' }, 400, 'HTTP_BAD_REQUEST'],
      [{ agency: BA_DINH, role: 'consumer', official: 'a b' }, 400, 'HTTP_BAD_REQUEST'],
      [{ role: 'consumer' }, 400, 'HTTP_BAD_REQUEST'],
      [{ agency: '000.00.00.G17', role: 'inspector' }, 503, 'DEMO_KEY_MISSING'],
    ] as const;
    for (const [body, status, code] of refusals) {
      const res = await mint(body);
      expect({ body, status: res.statusCode, code: res.json().code }).toEqual({ body, status, code });
    }
  });

  it('refuses to be registered in the production profile', async () => {
    const prod = Fastify();
    prod.register(demoTokensPlugin, { config: { dataDir: temp.dir, profile: 'production' } });
    await expect(prod.ready()).rejects.toThrow(ConfigError);
    await prod.close();
  });
});
