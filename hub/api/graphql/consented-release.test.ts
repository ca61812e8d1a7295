import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENCIES, startTestHub, type TestHub } from '../../testing/hub.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ citizens: 12 });
}, 60_000);
afterAll(async () => hub?.close());

const BIRTH = 'tthc-1.001193';
const RESIDENCE = 'tthc-1.004194';
const PERSON = `query($id: String!, $purpose: String!, $dossier: String) {
  person(personalId: $id, purpose: $purpose, dossier: $dossier) {
    fullName dateOfBirth
    release { accessId fields contractId contractVersion consentId sources { field eventId } }
  }
}`;
const GRANT = `mutation($input: GrantConsentInput!) {
  grantConsent(input: $input) { receipt consent { id status consumer purposes dossier validUntil } }
}`;

const pid = (i: number) => hub.citizens[i]!.personalId as string;
const consumer = (agency: string = AGENCIES.baDinh) => hub.token(agency, 'consumer');
const portalFor = (i: number) => hub.token(AGENCIES.portal, 'citizen-portal', { citizenPid: pid(i) });

const accessEvents = (i: number) => hub.accessEvents(pid(i));

async function grant(i: number, input: Record<string, unknown>) {
  const res = await hub.gql(await portalFor(i), GRANT, {
    input: {
      consumer: AGENCIES.baDinh,
      purposes: [RESIDENCE],
      scope: [{ dataset: 'population', fields: ['fullName', 'dateOfBirth'] }],
      validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      ...input,
    },
  });
  expect(res.errors).toBeUndefined();
  return (res.data!.grantConsent as { receipt: string; consent: { id: string } }).consent.id;
}

const codeOf = (res: { errors?: { extensions: { code: string } }[] }) => res.errors?.[0]?.extensions.code;

describe('releases under a contract without consent', () => {
  it('returns only the selected fields and records DataAccessed with contract, sources and pseudonym only', async () => {
    const res = await hub.gql(await consumer(), PERSON, { id: pid(0), purpose: BIRTH });
    const person = res.data!.person as Record<string, unknown> & { release: Record<string, unknown> };
    const citizen = hub.citizens[0]!;
    expect(person.fullName).toBe(citizen.fullName);
    expect(person.dateOfBirth).toBe(citizen.dateOfBirth);
    expect(person.release).toMatchObject({
      fields: ['fullName', 'dateOfBirth'],
      contractId: 'c06-to-ba-dinh-birth-registration',
      contractVersion: 1,
      consentId: null,
    });
    const [event] = (await accessEvents(0)).filter((e) => e.id === person.release.accessId);
    expect(event!.type).toBe('DataAccessed');
    expect(event!.data).toMatchObject({
      caller: { agency: AGENCIES.baDinh, official: 'consumer-official-1', role: 'consumer' },
      subject: hub.pseudonymize('citizen', pid(0)),
      fields: ['fullName', 'dateOfBirth'],
      purpose: BIRTH,
      contract: { id: 'c06-to-ba-dinh-birth-registration', version: 1 },
      consentId: null,
    });
    const [record] = await hub.raw.readStream(`record-population-${hub.pseudonymize('citizen', pid(0))}`);
    expect((event!.data as { sources: { eventId: string }[] }).sources.map((s) => s.eventId)).toEqual([
      record!.id,
      record!.id,
    ]);
    expect(JSON.stringify(event)).not.toContain(pid(0));
    expect(JSON.stringify(event)).not.toContain(String(citizen.fullName));
  });

  it('never returns a field outside the contract, and records the refusal', async () => {
    const res = await hub.gql(
      await consumer(),
      `{ person(personalId: "${pid(1)}", purpose: "${BIRTH}") { fullName household { householdId } } }`,
    );
    expect(codeOf(res)).toBe('FIELD_NOT_IN_CONTRACT');
    expect(res.data).toEqual({ person: null });
    const household = hub.citizens[1]!.household as { householdId: string };
    expect(JSON.stringify(res)).not.toContain(household.householdId);
    expect(JSON.stringify(res)).not.toContain(String(hub.citizens[1]!.fullName));
    const [denied] = await accessEvents(1);
    expect(denied).toMatchObject({
      type: 'DataAccessDenied',
      data: {
        reason: 'FIELD_NOT_IN_CONTRACT',
        fields: ['fullName', 'household'],
        contract: { id: 'c06-to-ba-dinh-birth-registration' },
      },
    });
  });

  it('a commune cannot read for a purpose, or under a contract, it does not hold', async () => {
    const other = await hub.gql(await consumer(), PERSON, { id: pid(2), purpose: 'household-survey' });
    expect(codeOf(other)).toBe('PURPOSE_NOT_ALLOWED');
    const notTheirs = await hub.gql(await consumer(AGENCIES.ngocHa), PERSON, {
      id: pid(2),
      purpose: RESIDENCE,
    });
    expect(codeOf(notTheirs)).toBe('PURPOSE_NOT_ALLOWED');
    const revoked = await hub.gql(await consumer(AGENCIES.hoanKiem), PERSON, {
      id: pid(2),
      purpose: 'household-survey',
    });
    expect(codeOf(revoked)).toBe('FORBIDDEN');
    const portal = await hub.gql(await portalFor(2), PERSON, { id: pid(2), purpose: BIRTH });
    expect(codeOf(portal)).toBe('FORBIDDEN');
    for (const res of [other, notTheirs, revoked, portal]) expect(res.data).toEqual({ person: null });
    expect((await accessEvents(2)).map((e) => (e.data as { reason: string }).reason)).toEqual([
      'PURPOSE_NOT_ALLOWED',
      'PURPOSE_NOT_ALLOWED',
      'FORBIDDEN',
      'FORBIDDEN',
    ]);
  });
});

describe('releases that need the citizen consent', () => {
  it('are refused without consent, allowed with it, and refused again on the next query after withdrawal', async () => {
    const token = await consumer();
    expect(codeOf(await hub.gql(token, PERSON, { id: pid(3), purpose: RESIDENCE }))).toBe('CONSENT_REQUIRED');
    const consentId = await grant(3, {});
    const ok = await hub.gql(token, PERSON, { id: pid(3), purpose: RESIDENCE });
    expect((ok.data!.person as { release: { consentId: string } }).release.consentId).toBe(consentId);
    const withdrawn = await hub.gql(
      await portalFor(3),
      `mutation { withdrawConsent(id: "${consentId}", reason: "changed my mind") { status } }`,
    );
    expect(withdrawn.data).toEqual({ withdrawConsent: { status: 'WITHDRAWN' } });
    const after = await hub.gql(token, PERSON, { id: pid(3), purpose: RESIDENCE });
    expect(codeOf(after)).toBe('CONSENT_WITHDRAWN');
    expect(after.data).toEqual({ person: null });
    const log = await accessEvents(3);
    expect(log.map((e) => e.type)).toEqual(['DataAccessDenied', 'DataAccessed', 'DataAccessDenied']);
    expect(log[1]!.data).toMatchObject({ consentId, contract: { id: 'c06-to-ba-dinh-permanent-residence' } });
    expect(log[2]!.data).toMatchObject({ reason: 'CONSENT_WITHDRAWN', consentId });
  });

  it('hands the citizen a receipt anyone can verify with the hub JWKS', async () => {
    const res = await hub.gql(await portalFor(4), GRANT, {
      input: {
        consumer: AGENCIES.baDinh,
        purposes: [RESIDENCE],
        scope: [{ dataset: 'population', fields: ['fullName'] }],
        validUntil: '2099-01-01T00:00:00Z',
      },
    });
    const { receipt, consent } = res.data!.grantConsent as { receipt: string; consent: { id: string } };
    const jwks = (await hub.app.inject({ url: '/.well-known/jwks.json' })).json();
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
    expect(jwks.keys[0].d).toBeUndefined();
    const { payload, protectedHeader } = await jwtVerify(receipt, createLocalJWKSet(jwks), {
      issuer: 'lienthong-hub',
    });
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', typ: 'consent-receipt+jwt' });
    expect(payload).toMatchObject({
      consentId: consent.id,
      sub: hub.pseudonymize('citizen', pid(4)),
      piiControllers: [{ piiController: AGENCIES.baDinh }],
      services: [
        {
          service: 'population',
          purposes: [{ purpose: RESIDENCE, piiCategory: ['fullName'], consentType: 'EXPLICIT' }],
        },
      ],
    });
    expect(receipt).not.toContain(pid(4));
    const tampered = `${receipt.slice(0, -4)}AAAA`;
    await expect(jwtVerify(tampered, createLocalJWKSet(jwks))).rejects.toThrow();
  });

  it('another agency cannot use the consent, and only consented fields are released', async () => {
    await grant(5, { purposes: ['social-assistance', RESIDENCE] });
    const hanoi = await hub.gql(await consumer(AGENCIES.hanoi), PERSON, {
      id: pid(5),
      purpose: 'social-assistance',
    });
    expect(codeOf(hanoi)).toBe('CONSENT_REQUIRED');
    const moreFields = await hub.gql(
      await consumer(),
      `{ person(personalId: "${pid(5)}", purpose: "${RESIDENCE}") { fullName permanentResidence { address } } }`,
    );
    expect(codeOf(moreFields)).toBe('CONSENT_REQUIRED');
    expect(JSON.stringify(moreFields)).not.toContain(String(hub.citizens[5]!.fullName));
  });

  it('a consent for one dossier serves only queries naming that dossier', async () => {
    await grant(6, { dossier: 'HS-000123' });
    const token = await consumer();
    expect(codeOf(await hub.gql(token, PERSON, { id: pid(6), purpose: RESIDENCE }))).toBe('CONSENT_REQUIRED');
    expect(codeOf(await hub.gql(token, PERSON, { id: pid(6), purpose: RESIDENCE, dossier: 'HS-999' }))).toBe(
      'CONSENT_REQUIRED',
    );
    const ok = await hub.gql(token, PERSON, { id: pid(6), purpose: RESIDENCE, dossier: 'HS-000123' });
    expect(ok.errors).toBeUndefined();
    const [, released] = await accessEvents(6).then((l) => l.filter((e) => e.type === 'DataAccessed'));
    expect(released).toBeUndefined();
    expect((await accessEvents(6)).at(-1)!.data).toMatchObject({ dossier: 'HS-000123' });
  });

  it('expire exactly at the end of the window; the sweeper records ConsentExpired once', async () => {
    const validUntil = new Date(Date.now() + 3_600_000);
    const consentId = await grant(7, { validUntil: validUntil.toISOString() });
    const token = await consumer();
    hub.setNow(new Date(validUntil.getTime() - 1));
    expect((await hub.gql(token, PERSON, { id: pid(7), purpose: RESIDENCE })).errors).toBeUndefined();
    hub.setNow(validUntil);
    expect(codeOf(await hub.gql(token, PERSON, { id: pid(7), purpose: RESIDENCE }))).toBe('CONSENT_EXPIRED');
    const mine = await hub.gql(await portalFor(7), '{ myConsents { id status } }');
    expect(mine.data!.myConsents).toEqual([{ id: consentId, status: 'EXPIRED' }]);

    expect(await hub.app.consents.expireLapsed()).toBe(1);
    expect(await hub.app.consents.expireLapsed()).toBe(0);
    const stream = await hub.raw.readStream(`consent-${consentId}`);
    expect(stream.map((e) => e.type)).toEqual(['ConsentGranted', 'ConsentExpired']);
    expect(stream[1]!.data).toMatchObject({ consentId, expiredAt: validUntil.toISOString() });
    hub.setNow(new Date());
  });
});

describe('contracts', () => {
  it('are listed for their provider and revoked only by it (or an operator); releases under them stop', async () => {
    const ngocHa = await consumer(AGENCIES.ngocHa);
    // Ngọc Hà's contract needs consent: before revocation the refusal is about consent, afterwards about the contract.
    expect(codeOf(await hub.gql(ngocHa, PERSON, { id: pid(8), purpose: BIRTH }))).toBe('CONSENT_REQUIRED');
    const c06 = await hub.token('000.06.00.G08', 'provider');
    const listed = await hub.gql(c06, '{ contracts(dataset: "population") { id consumer status } }');
    expect(listed.data!.contracts).toContainEqual({
      id: 'c06-to-ngoc-ha-birth-registration',
      consumer: AGENCIES.ngocHa,
      status: 'active',
    });
    const REVOKE =
      'mutation { revokeContract(id: "c06-to-ngoc-ha-birth-registration", reason: "audit finding") { id status } }';
    expect(codeOf(await hub.gql(ngocHa, REVOKE))).toBe('FORBIDDEN');
    expect(codeOf(await hub.gql(await hub.token(AGENCIES.hanoi, 'provider'), REVOKE))).toBe('FORBIDDEN');
    const revoked = await hub.gql(c06, REVOKE);
    expect(revoked.data).toEqual({
      revokeContract: { id: 'c06-to-ngoc-ha-birth-registration', status: 'revoked' },
    });
    await hub.settle();
    expect(codeOf(await hub.gql(ngocHa, PERSON, { id: pid(8), purpose: BIRTH }))).toBe('FORBIDDEN');
  });
});
