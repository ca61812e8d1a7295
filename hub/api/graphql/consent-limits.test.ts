import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventValidator } from '../../events/validator.js';
import { AGENCIES, startTestHub, type TestHub } from '../../testing/hub.js';

let hub: TestHub;
let portal: string;
beforeAll(async () => {
  hub = await startTestHub({ citizens: 1 });
  portal = await hub.token(AGENCIES.portal, 'citizen-portal', {
    citizenPid: hub.citizens[0]!.personalId as string,
  });
}, 60_000);
afterAll(async () => hub?.close());

// the limits are the event schemas'; the test reads them from there too
const granted = createEventValidator().dataSchema('ConsentGranted')!.properties;
const withdrawn = createEventValidator().dataSchema('ConsentWithdrawn')!.properties;
const MAX_PURPOSES = granted.purposes.maxItems as number;
const MAX_FIELDS = granted.scope.items.properties.fields.maxItems as number;
const MAX_DATASETS = granted.scope.maxItems as number;

const GRANT = `mutation G($input: GrantConsentInput!) {
  grantConsent(input: $input) { consent { id consumer } }
}`;
const input = (over: Record<string, unknown> = {}) => ({
  consumer: AGENCIES.baDinh,
  purposes: ['tthc-1.004194'],
  scope: [{ dataset: 'population', fields: ['fullName'] }],
  validUntil: new Date(Date.now() + 86_400_000).toISOString(),
  ...over,
});

type Ext = Record<string, unknown>;
async function grant(over: Record<string, unknown>) {
  const res = await hub.gql(portal, GRANT, { input: input(over) });
  return { res, ext: (res.errors?.[0]?.extensions ?? {}) as Ext };
}

async function consentCount() {
  const res = await hub.gql(portal, '{ myConsents { id } }');
  return (res.data!.myConsents as unknown[]).length;
}

describe('consents are given only to registered agencies in force', () => {
  it('grants to a registered agency in force', async () => {
    const { res } = await grant({});
    expect(res.errors).toBeUndefined();
    expect(res.data).toMatchObject({ grantConsent: { consent: { consumer: AGENCIES.baDinh } } });
  });

  it('refuses an agency the hub does not know, and one no longer in force, naming input.consumer', async () => {
    const before = await consentCount();
    const unknown = await grant({ consumer: '999.99.99.H99' });
    expect(unknown.ext).toMatchObject({
      code: 'BAD_USER_INPUT',
      hubCode: 'CONSENT_CONSUMER_NOT_IN_FORCE',
      field: 'input.consumer',
      consumer: '999.99.99.H99',
      registered: false,
    });
    const retired = await grant({ consumer: AGENCIES.quanBaDinh });
    expect(retired.ext).toMatchObject({
      hubCode: 'CONSENT_CONSUMER_NOT_IN_FORCE',
      field: 'input.consumer',
      registered: true,
    });
    expect(retired.res.errors![0]!.message).toContain('not in force');
    expect(await consentCount()).toBe(before);
  });
});

describe('consent size limits', () => {
  const cases: [string, Record<string, unknown>, Ext][] = [
    [
      'too many purposes',
      { purposes: Array.from({ length: MAX_PURPOSES + 1 }, (_, i) => `p-${i}`) },
      { field: 'input.purposes', limit: { name: 'items', max: MAX_PURPOSES, actual: MAX_PURPOSES + 1 } },
    ],
    [
      'too many fields of a dataset',
      {
        scope: [{ dataset: 'population', fields: Array.from({ length: MAX_FIELDS + 1 }, (_, i) => `f${i}`) }],
      },
      { field: 'input.scope[0].fields', limit: { name: 'items', max: MAX_FIELDS, actual: MAX_FIELDS + 1 } },
    ],
    [
      'too many datasets',
      {
        scope: Array.from({ length: MAX_DATASETS + 1 }, () => ({
          dataset: 'population',
          fields: ['fullName'],
        })),
      },
      { field: 'input.scope', limit: { name: 'items', max: MAX_DATASETS } },
    ],
    [
      'a consumer code longer than the event holds',
      { consumer: 'x'.repeat((granted.consumer.maxLength as number) + 1) },
      { field: 'input.consumer', limit: { name: 'length', max: granted.consumer.maxLength } },
    ],
    ['a purpose that is not a code', { purposes: ['Không phải mã'] }, { field: 'input.purposes[0]' }],
    ['a validity end that is no date-time', { validUntil: 'tomorrow' }, { field: 'input.validUntil' }],
    [
      'a dossier longer than the event holds',
      { dossier: 'd'.repeat((granted.dossier.maxLength as number) + 1) },
      { field: 'input.dossier', limit: { name: 'length', max: granted.dossier.maxLength } },
    ],
    [
      'an unknown dataset',
      { scope: [{ dataset: 'land-parcelz', fields: ['x'] }] },
      { field: 'input.scope[0].dataset' },
    ],
  ];
  for (const [name, over, expected] of cases) {
    it(`refuses ${name} as BAD_USER_INPUT naming the field`, async () => {
      const before = await consentCount();
      for (let attempt = 0; attempt < 2; attempt++) {
        const { res, ext } = await grant(over);
        expect(res.status).toBe(400);
        expect(ext).toMatchObject({ code: 'BAD_USER_INPUT', ...expected });
      }
      expect(await consentCount()).toBe(before);
    });
  }

  it('refuses a withdrawal reason longer than the event holds, and an id that is no consent id', async () => {
    const max = withdrawn.reason.maxLength as number;
    const id = '00000000-0000-4000-8000-000000000000';
    const long = await hub.gql(
      portal,
      'mutation W($id: ID!, $r: String) { withdrawConsent(id: $id, reason: $r) { id } }',
      {
        id,
        r: 'r'.repeat(max + 1),
      },
    );
    expect(long.errors![0]!.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'reason',
      limit: { name: 'length', max, actual: max + 1 },
    });
    const badId = await hub.gql(portal, `mutation { withdrawConsent(id: "${'x'.repeat(5000)}") { id } }`);
    expect(badId.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(JSON.stringify(badId)).not.toContain('x'.repeat(100));
  });
});
