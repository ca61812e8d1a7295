import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintDemoToken } from '../../../demo/keys.js';
import { DEFAULT_AUDIENCE } from '../../auth/authenticator.js';
import { AGENCIES, startTestHub, type TestHub } from '../../testing/hub.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ citizens: 1 });
});
afterAll(async () => hub?.close());

const WHO_AM_I = '{ whoAmI { agency agencyName agencyEnglishName official role expiresAt } }';

describe('whoAmI: the caller as the hub verified its token', () => {
  it("names an inspector's agency, official, role and the token's expiry", async () => {
    const token = await hub.token(AGENCIES.inspector, 'inspector', { official: 'TT-0042' });
    const { exp } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number };
    const res = await hub.gql(token, WHO_AM_I);
    expect(res.status).toBe(200);
    expect(res.data).toEqual({
      whoAmI: {
        agency: AGENCIES.inspector,
        agencyName: 'Thanh tra Chính phủ',
        agencyEnglishName: 'Government Inspectorate',
        official: 'TT-0042',
        role: 'inspector',
        expiresAt: new Date(exp * 1000).toISOString(),
      },
    });
  });

  it('answers every role the same way (the console refuses the others itself)', async () => {
    const res = await hub.gql(await hub.token(AGENCIES.baDinh, 'consumer', { official: 'CB-1' }), WHO_AM_I);
    expect(res.data).toMatchObject({
      whoAmI: { agency: AGENCIES.baDinh, role: 'consumer', official: 'CB-1' },
    });
  });

  it('refuses no token, an expired token and a forged one with 401 and the reason', async () => {
    const none = await hub.gql(null, WHO_AM_I);
    expect(none.status).toBe(401);

    const expired = await mintDemoToken({
      dataDir: hub.dir,
      agency: AGENCIES.inspector,
      role: 'inspector',
      official: 'TT-0042',
      audience: DEFAULT_AUDIENCE,
      ttlSec: 60,
      now: new Date(Date.now() - 3_600_000),
    });
    const late = await hub.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { authorization: `Bearer ${expired}`, 'content-type': 'application/json' },
      payload: { query: WHO_AM_I },
    });
    expect(late.statusCode).toBe(401);
    expect(late.json()).toMatchObject({
      data: null,
      errors: [
        { extensions: { code: 'UNAUTHENTICATED', hubCode: 'AUTH_UNAUTHENTICATED', reason: 'token expired' } },
      ],
    });

    const valid = await hub.token(AGENCIES.inspector, 'inspector');
    const [header, claims] = valid.split('.');
    const forged = `${header}.${claims}.${Buffer.from('not the signature').toString('base64url')}`;
    const refused = await hub.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { authorization: `Bearer ${forged}`, 'content-type': 'application/json' },
      payload: { query: WHO_AM_I },
    });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({
      errors: [{ extensions: { code: 'UNAUTHENTICATED', reason: 'signature verification failed' } }],
    });
  });
});
