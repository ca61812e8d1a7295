import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENCIES, startTestHub, type TestHub } from '../../testing/hub.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ citizens: 1 });
});
afterAll(async () => hub?.close());

const portalToken = () =>
  hub.token(AGENCIES.portal, 'citizen-portal', { citizenPid: hub.citizens[0]!.personalId as string });

const PROCEDURE = `query ($code: String!, $version: Int) {
  procedure(code: $code, version: $version) {
    code codeVerified version name field level serviceLevel paperResultRequired status
    fee { amount schedule { amount description } exemptions }
    processingTime { amount unit }
    result { type name }
    components { code required original supply { kind dataset fields subject key result } }
    linked { code condition mappings { from value to } }
    eForm
  }
}`;

describe('GraphQL: the procedure catalogue', () => {
  it('answers any authenticated role with the procedure, its components, links and eForm', async () => {
    const tokens = [
      await portalToken(),
      await hub.token(AGENCIES.baDinh, 'consumer'),
      await hub.token(AGENCIES.inspector, 'inspector'),
    ];
    for (const token of tokens) {
      const res = await hub.gql(token, PROCEDURE, { code: '1.001193' });
      expect(res.errors).toBeUndefined();
      expect(res.data?.procedure).toMatchObject({ code: '1.001193', name: 'Đăng ký khai sinh' });
    }
    const res = await hub.gql(await hub.token(AGENCIES.baDinh, 'consumer'), PROCEDURE, { code: '1.001193' });
    const birth = res.data!.procedure as Record<string, unknown>;
    expect(birth).toMatchObject({
      codeVerified: true,
      version: 1,
      field: 'Hộ tịch',
      level: 'commune',
      serviceLevel: 'FULL_ONLINE',
      paperResultRequired: true,
      status: 'published',
      fee: { amount: 0, schedule: [] },
      processingTime: { amount: 1, unit: 'working-days' },
      result: { type: 'birth-certificate' },
    });
    expect(birth.components).toContainEqual({
      code: 'nhan-than-me',
      required: true,
      original: 0,
      supply: {
        kind: 'dataset',
        dataset: 'population',
        fields: ['fullName', 'dateOfBirth', 'ethnicity', 'permanentResidence'],
        subject: 'mother.personalId',
        key: null,
        result: null,
      },
    });
    expect(birth.linked).toContainEqual(
      expect.objectContaining({
        code: '1.004222',
        mappings: expect.arrayContaining([{ from: null, value: true, to: 'newborn' }]),
      }),
    );
    const eForm = birth.eForm as { properties: Record<string, { properties: Record<string, unknown> }> };
    expect(eForm.properties.mother!.properties.fullName).toMatchObject({
      'x-prefill': { dataset: 'population', field: 'fullName', subject: 'mother.personalId' },
    });
  });

  it('lists the catalogue by field, level and service level', async () => {
    const token = await portalToken();
    const codes = async (args: string) => {
      const res = await hub.gql(token, `{ procedures${args} { code fee { amount schedule { amount } } } }`);
      expect(res.errors).toBeUndefined();
      return (res.data!.procedures as { code: string }[]).map((p) => p.code);
    };
    expect(await codes('(serviceLevel: PARTLY_ONLINE)')).toEqual(['1.001731', '1.004222', '1.013978']);
    expect(await codes('(field: "Hộ tịch", level: "commune")')).toEqual([
      '1.000656',
      '1.000894',
      '1.001193',
      '1.004873',
    ]);
    expect(await codes('(level: "province", serviceLevel: FULL_ONLINE)')).toEqual([
      '3.000333',
      '3.000347',
      '9.000001',
    ]);
    expect((await codes('')).length).toBeGreaterThanOrEqual(10);
    const res = await hub.gql(
      token,
      '{ procedures(field: "Đăng ký, quản lý cư trú") { code fee { amount schedule { amount description } } } }',
    );
    expect(res.data!.procedures).toContainEqual({
      code: '1.004222',
      fee: {
        amount: null,
        schedule: [
          { amount: 20000, description: 'Nộp hồ sơ trực tiếp' },
          { amount: 10000, description: 'Nộp hồ sơ qua cổng dịch vụ công trực tuyến' },
        ],
      },
    });
  });

  it('answers null for an unknown code or version, BAD_USER_INPUT for a malformed one, nothing without a token', async () => {
    const token = await hub.token(AGENCIES.baDinh, 'consumer');
    expect((await hub.gql(token, PROCEDURE, { code: '2.999999' })).data).toEqual({ procedure: null });
    expect((await hub.gql(token, PROCEDURE, { code: '1.001193', version: 7 })).data).toEqual({
      procedure: null,
    });
    const bad = await hub.gql(token, PROCEDURE, { code: '1001193' });
    expect(bad.errors?.[0]).toMatchObject({
      message: 'code: expected a code like 1.001193, got "1001193"',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const anonymous = await hub.gql(null, PROCEDURE, { code: '1.001193' });
    expect(anonymous.status).toBe(401);
  });
});
