import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoExamples, demoExamples } from '../../../demo/sources/index.js';
import type { RecordedEvent } from '../../kernel/event-store.js';
import { AGENCIES, startTestHub, type TestHub } from '../../testing/hub.js';

// The demo's ministry databases (civil status, social insurance, judicial records, driving licences),
// synced through their connectors, released through the queries generated from the dataset schemas.
let hub: TestHub;
let ex: DemoExamples;
beforeAll(async () => {
  hub = await startTestHub({ citizens: 3, sources: { citizens: 400 } });
  ex = demoExamples(hub.dir)!;
}, 120_000);
afterAll(async () => hub?.close());

const RELEASE = 'release { accessId fields contractId consentId sources { field eventId } }';
type Released = Record<string, unknown> & {
  release: {
    accessId: string;
    fields: string[];
    contractId: string;
    consentId: string | null;
    sources: { field: string; eventId: string }[];
  };
};
const codeOf = (res: { errors?: { extensions: { code: string } }[] }) => res.errors?.[0]?.extensions.code;
const consumer = (agency: string = AGENCIES.baDinh) => hub.token(agency, 'consumer');

/** The citizen's access log holds the release as DataAccessed, its values traced to the record event. */
async function expectRecorded(personalId: string, dataset: string, released: Released) {
  const log = await hub.accessEvents(personalId);
  const event = log.find((e) => e.id === released.release.accessId) as RecordedEvent;
  expect(event).toMatchObject({
    type: 'DataAccessed',
    data: { dataset, subject: hub.pseudonymize('citizen', personalId), fields: released.release.fields },
  });
  const sources = (event.data as { sources: { eventId: string; stream: string }[] }).sources;
  expect(sources.map((s) => s.eventId)).toEqual(released.release.sources.map((s) => s.eventId));
  const [record] = await hub.raw.readStream(sources[0]!.stream, { direction: 'backwards', maxCount: 1 });
  expect(record).toMatchObject({ id: sources[0]!.eventId, type: 'DatasetRecordUpserted', data: { dataset } });
  expect(JSON.stringify(event)).not.toContain(personalId);
  return event;
}

async function grant(
  personalId: string,
  consumerAgency: string,
  purpose: string,
  dataset: string,
  fields: string[],
) {
  const portal = await hub.token(AGENCIES.portal, 'citizen-portal', { citizenPid: personalId });
  const res = await hub.gql(
    portal,
    `mutation($input: GrantConsentInput!) { grantConsent(input: $input) { consent { id } } }`,
    {
      input: {
        consumer: consumerAgency,
        purposes: [purpose],
        scope: [{ dataset, fields }],
        validUntil: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      },
    },
  );
  expect(res.errors).toBeUndefined();
  return (res.data!.grantConsent as { consent: { id: string } }).consent.id;
}

describe('civil status (Phường Ba Đình, birth registration, no consent needed)', () => {
  const Q = `query($id: String!, $purpose: String!) { civilStatus(personalId: $id, purpose: $purpose) {
    fullName maritalStatus fatherName fatherPersonalId motherName motherPersonalId ${RELEASE} } }`;

  it('releases a child’s record naming parents who are citizens, DataAccessed recorded first', async () => {
    const res = await hub.gql(await consumer(), Q, { id: ex.child.personalId, purpose: 'tthc-1.001193' });
    expect(res.errors).toBeUndefined();
    const child = res.data!.civilStatus as Released;
    expect(child).toMatchObject({
      maritalStatus: 'single',
      fatherPersonalId: ex.child.fatherPersonalId,
      motherPersonalId: ex.child.motherPersonalId,
    });
    expect(child.release).toMatchObject({
      contractId: 'moj-to-ba-dinh-civil-status-birth-residence',
      consentId: null,
    });
    await expectRecorded(ex.child.personalId, 'civil-status', child);
    const father = await hub.gql(await consumer(), Q, {
      id: ex.child.fatherPersonalId,
      purpose: 'tthc-1.001193',
    });
    expect((father.data!.civilStatus as Released).fullName).toBe(child.fatherName);
  });

  it('refuses a field outside the contract for the purpose, and records the refusal', async () => {
    const res = await hub.gql(
      await consumer(),
      `{ civilStatus(personalId: "${ex.child.fatherPersonalId}", purpose: "tthc-1.001193") { fullName dateOfDeath } }`,
    );
    expect(codeOf(res)).toBe('FIELD_NOT_IN_CONTRACT');
    expect(res.data).toEqual({ civilStatus: null });
    expect((await hub.accessEvents(ex.child.fatherPersonalId)).at(-1)).toMatchObject({
      type: 'DataAccessDenied',
      data: { dataset: 'civil-status', reason: 'FIELD_NOT_IN_CONTRACT', fields: ['fullName', 'dateOfDeath'] },
    });
  });
});

describe('social insurance (health insurance card of a child under 6: consent required)', () => {
  const PURPOSE = 'tthc-1.002357';
  const FIELDS = ['socialInsuranceNumber', 'healthInsuranceCardNumber', 'cardValidTo', 'beneficiaryGroup'];
  const Q = `query($id: String, $number: String) { socialInsurance(personalId: $id, socialInsuranceNumber: $number, purpose: "${PURPOSE}") {
    ${FIELDS.join(' ')} ${RELEASE} } }`;

  it('is refused without the citizen’s consent, then released with it, by ID number or by insurance number', async () => {
    const token = await consumer();
    const refused = await hub.gql(token, Q, { id: ex.insured.personalId });
    expect(codeOf(refused)).toBe('CONSENT_REQUIRED');
    expect((await hub.accessEvents(ex.insured.personalId)).at(-1)).toMatchObject({
      type: 'DataAccessDenied',
      data: { dataset: 'social-insurance', reason: 'CONSENT_REQUIRED' },
    });
    const consentId = await grant(
      ex.insured.personalId,
      AGENCIES.baDinh,
      PURPOSE,
      'social-insurance',
      FIELDS,
    );
    const byId = await hub.gql(token, Q, { id: ex.insured.personalId });
    expect(byId.errors).toBeUndefined();
    const card = byId.data!.socialInsurance as Released;
    expect(card.socialInsuranceNumber).toBe(ex.insured.socialInsuranceNumber);
    expect(String(card.healthInsuranceCardNumber)).toContain(ex.insured.socialInsuranceNumber);
    expect(card.release).toMatchObject({ contractId: 'vss-to-ba-dinh-child-health-insurance', consentId });
    const event = await expectRecorded(ex.insured.personalId, 'social-insurance', card);
    expect(event.data).toMatchObject({ consentId, purpose: PURPOSE });
    const byNumber = await hub.gql(token, Q, { number: ex.insured.socialInsuranceNumber });
    expect((byNumber.data!.socialInsurance as Released).healthInsuranceCardNumber).toBe(
      card.healthInsuranceCardNumber,
    );
  });

  it('refuses contribution months, which the contract leaves out, and an insurance number of the wrong shape', async () => {
    const token = await consumer();
    const outside = await hub.gql(
      token,
      `{ socialInsurance(personalId: "${ex.insured.personalId}", purpose: "${PURPOSE}") { contributionMonths } }`,
    );
    expect(codeOf(outside)).toBe('FIELD_NOT_IN_CONTRACT');
    const malformed = await hub.gql(token, Q, { number: '12345' });
    expect(malformed.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'socialInsuranceNumber',
    });
  });
});

describe('judicial records (Thành phố Hà Nội, judicial record certificate: consent required)', () => {
  const PURPOSE = 'tthc-2.000488';
  const Q = `query($id: String!) { judicialRecord(personalId: $id, purpose: "${PURPOSE}") {
    hasCriminalRecord bannedFromPositions convictions { judgmentNumber court judgedOn offence sentence sentenceCompleted } ${RELEASE} } }`;

  it('releases the convictions not yet expunged only with the citizen’s consent', async () => {
    const token = await consumer(AGENCIES.hanoi);
    expect(codeOf(await hub.gql(token, Q, { id: ex.convicted.personalId }))).toBe('CONSENT_REQUIRED');
    const fields = ['hasCriminalRecord', 'bannedFromPositions', 'convictions'];
    const consentId = await grant(
      ex.convicted.personalId,
      AGENCIES.hanoi,
      PURPOSE,
      'judicial-records',
      fields,
    );
    const res = await hub.gql(token, Q, { id: ex.convicted.personalId });
    expect(res.errors).toBeUndefined();
    const record = res.data!.judicialRecord as Released & { convictions: Record<string, unknown>[] };
    expect(record.hasCriminalRecord).toBe(true);
    expect(record.convictions.length).toBeGreaterThan(0);
    expect(record.convictions[0]).toMatchObject({
      judgmentNumber: expect.stringMatching(/\/HS-ST$/),
      sentenceCompleted: expect.any(Boolean),
    });
    expect(record.release).toMatchObject({ contractId: 'ncjr-to-hanoi-judicial-record', consentId });
    await expectRecorded(ex.convicted.personalId, 'judicial-records', record);
  });

  it('is refused to a commune that holds no contract for it', async () => {
    const res = await hub.gql(await consumer(), Q, { id: ex.convicted.personalId });
    expect(codeOf(res)).toBe('FORBIDDEN');
    expect(res.errors?.[0]?.extensions.hubCode).toBe('ACCESS_NO_CONTRACT');
  });
});

describe('driving licences (death registration)', () => {
  const Q = `query($id: String, $no: String) { drivingLicence(personalId: $id, licenceNumber: $no, purpose: "tthc-1.000656") {
    licenceNumber licenceClass expiresOn issuingAuthority ${RELEASE} } }`;

  it('releases the licence by holder or by number, each release recorded on the holder’s stream', async () => {
    const token = await consumer();
    const byHolder = await hub.gql(token, Q, { id: ex.driver.personalId });
    expect(byHolder.errors).toBeUndefined();
    const licence = byHolder.data!.drivingLicence as Released;
    expect(licence.licenceNumber).toBe(ex.driver.licenceNumber);
    expect(licence.licenceClass).toMatch(/^(A1?|B|C|D|CE)$/);
    await expectRecorded(ex.driver.personalId, 'driving-licences', licence);
    const byNumber = await hub.gql(token, Q, { no: ex.driver.licenceNumber });
    await expectRecorded(ex.driver.personalId, 'driving-licences', byNumber.data!.drivingLicence as Released);
    const all = await hub.gql(
      token,
      `{ drivingLicencesOf(personalId: "${ex.driver.personalId}", purpose: "tthc-1.000656") { licenceNumber } }`,
    );
    expect(all.data).toEqual({ drivingLicencesOf: [{ licenceNumber: ex.driver.licenceNumber }] });
  });

  it('refuses the date of birth, outside the contract', async () => {
    const res = await hub.gql(
      await consumer(),
      `{ drivingLicence(personalId: "${ex.driver.personalId}", purpose: "tthc-1.000656") { dateOfBirth } }`,
    );
    expect(codeOf(res)).toBe('FIELD_NOT_IN_CONTRACT');
  });
});
