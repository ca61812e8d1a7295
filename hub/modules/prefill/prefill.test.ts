import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoExamples } from '../../../demo/sources/index.js';
import type { RecordedEvent } from '../../kernel/event-store.js';
import {
  consentToBirthRegistration,
  marriageCertificate,
  startDossierHub,
  submitBirthRegistration,
} from '../../testing/dossier-hub.js';
import { AGENCIES, type GqlResponse, type TestHub } from '../../testing/hub.js';
import { dossierStream } from '../dossiers/index.js';

// Once-only prefill of a birth registration (1.001193): the mother applies through the citizen
// portal; her record and the father's are read from the population dataset under the ward's
// contract (Ba Đình: no consent needed; Ngọc Hà: the citizen's consent), the parents' marriage
// certificate is an earlier result of hers.
let hub: TestHub;
let ex: DemoExamples;
let portal: string;
beforeAll(async () => {
  ({ hub, ex } = await startDossierHub());
  portal = await hub.token(AGENCIES.portal, 'citizen-portal', { citizenPid: ex.child.motherPersonalId });
}, 120_000);
afterAll(async () => hub?.close());

const BIRTH = '1.001193';
const mother = () => ex.child.motherPersonalId;
const ok = (res: GqlResponse, field: string) => {
  expect(res.errors).toBeUndefined();
  return res.data![field] as Record<string, unknown>;
};
const errorOf = (res: GqlResponse) => res.errors?.[0]?.extensions;

async function submit(agency: string): Promise<string> {
  const dossier = await submitBirthRegistration(hub, portal, agency, mother());
  expect(dossier.onceOnly).toEqual({ fieldsTyped: 2 });
  return dossier.id;
}

const PREFILL = `query($dossier: ID!, $applicant: PrefillApplicantInput, $qr: String) {
  prefill(dossier: $dossier, applicant: $applicant, applicantQr: $qr) {
    dossier procedure values typed typedShare accesses
    fields { path filled value source dataset from recordEventId accessId reason }
    components { code required satisfiedBy sourceEventId documentId accessId reason }
  }
}`;
type Prefill = {
  values: Record<string, Record<string, unknown>>;
  typed: string[];
  typedShare: number;
  accesses: string[];
  fields: {
    path: string;
    filled: boolean;
    value: unknown;
    reason: string | null;
    recordEventId: string | null;
  }[];
  components: {
    code: string;
    satisfiedBy: string;
    sourceEventId: string | null;
    documentId: string | null;
    reason: string | null;
  }[];
};
const prefill = async (token: string, dossier: string, applicant?: object, qr?: string) =>
  hub.gql(token, PREFILL, { dossier, applicant, qr });
const field = (p: Prefill, path: string) => p.fields.find((f) => f.path === path)!;
const component = (p: Prefill, code: string) => p.components.find((c) => c.code === code)!;
const accessesFor = async (dossier: string): Promise<RecordedEvent[]> =>
  (await hub.accessEvents(mother())).filter((e) => (e.data as { dossier: string }).dossier === dossier);

describe('prefill through the citizen portal', () => {
  it('fills the form from the parents’ records and the earlier result, and records what the citizen still typed', async () => {
    const certificate = await marriageCertificate(hub, mother());
    const id = await submit(AGENCIES.baDinh);
    const applicant = { personalId: mother(), fullName: 'Họ Tên Mẹ', phone: '0912345678' };
    const p = ok(await prefill(portal, id, applicant), 'prefill') as unknown as Prefill;

    // one release of the mother's population record, recorded before the answer and naming the dossier
    const [access, ...more] = await accessesFor(id);
    expect(more).toEqual([]);
    expect(access).toMatchObject({
      type: 'DataAccessed',
      data: { dataset: 'population', purpose: `tthc-${BIRTH}` },
    });
    expect(p.accesses).toEqual([access!.id]);
    const recordEvent = (access!.data as { sources: { field: string; eventId: string }[] }).sources.find(
      (s) => s.field === 'fullName',
    )!.eventId;
    expect(field(p, 'mother.fullName')).toMatchObject({ filled: true, recordEventId: recordEvent });
    expect(p.values.mother).toMatchObject({
      personalId: mother(),
      fullName: expect.any(String),
      dateOfBirth: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      residenceCommuneCode: expect.stringMatching(/^\d{5}$/),
    });
    expect(p.values.declarant).toEqual({ personalId: mother(), fullName: 'Họ Tên Mẹ', phone: '0912345678' });
    expect(field(p, 'father.fullName')).toMatchObject({ filled: false, reason: 'INPUT_MISSING' });
    expect(p.typed).toEqual(
      expect.arrayContaining(['declarant.relationship', 'child.gender', 'father.fullName']),
    );
    expect(p.typedShare).toBeGreaterThan(0);
    expect(p.typedShare).toBeLessThan(1);
    expect(component(p, 'nhan-than-me')).toMatchObject({ satisfiedBy: 'REUSE', sourceEventId: recordEvent });
    expect(component(p, 'giay-chung-nhan-ket-hon')).toMatchObject({
      satisfiedBy: 'REUSE',
      documentId: certificate.documentId,
      sourceEventId: certificate.eventId,
    });
    expect(component(p, 'giay-chung-sinh')).toMatchObject({ satisfiedBy: 'UPLOAD', reason: null });
    expect(component(p, 'nhan-than-cha')).toMatchObject({ satisfiedBy: 'UPLOAD', reason: 'INPUT_MISSING' });
    expect(component(p, 'to-khai')).toMatchObject({ satisfiedBy: 'DECLARATION' });

    // the citizen keeps what was filled but the ethnicity, types the rest, uploads the birth
    // attestation, and a scan of her own ID although the state held her record
    const values = {
      ...p.values,
      mother: { ...p.values.mother, ethnicity: 'Tày' },
      declarant: { ...p.values.declarant, relationship: 'mother' },
      child: {
        fullName: 'Lê Minh Khôi',
        gender: 'male',
        dateOfBirth: '2026-11-20',
        placeOfBirth: 'Bệnh viện Phụ sản Hà Nội',
      },
    };
    // a completion refused for an unknown component writes nothing: not even the reuse of the
    // held certificate, which a completion writes before the dossier's own events
    const certificateEvents = (await hub.store.readStream(`document-${certificate.documentId}`)).length;
    const dossierEvents = (await hub.store.readStream(dossierStream(id))).length;
    const refused = await hub.gql(
      portal,
      'mutation($id: ID!, $input: CompleteDeclarationInput!) { completeDeclaration(id: $id, input: $input) { id } }',
      { id, input: { values, components: [{ component: 'no-such-component', documentId: 'x-1' }] } },
    );
    expect(errorOf(refused)).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await hub.store.readStream(`document-${certificate.documentId}`)).toHaveLength(certificateEvents);
    expect(await hub.store.readStream(dossierStream(id))).toHaveLength(dossierEvents);

    const filledLeaves = p.fields.filter((f) => f.filled).length;
    const res = await hub.gql(
      portal,
      `mutation($id: ID!, $input: CompleteDeclarationInput!) {
        completeDeclaration(id: $id, input: $input) {
          onceOnly { fieldsPrefilled fieldsTyped shareTyped componentsReused componentsUploaded componentsAskedAgain }
        } }`,
      {
        id,
        input: {
          values,
          components: [
            { component: 'giay-chung-sinh', documentId: 'giay-chung-sinh-1' },
            { component: 'nhan-than-me', documentId: 'cccd-me-1' },
          ],
        },
      },
    );
    const once = ok(res, 'completeDeclaration').onceOnly as Record<string, number>;
    // every filled field kept but the ethnicity; typed: relationship, the child's four, ethnicity, mother's ID
    expect(once).toMatchObject({
      fieldsPrefilled: filledLeaves - 1,
      fieldsTyped: 7,
      componentsReused: 1,
      componentsUploaded: 1,
      componentsAskedAgain: 1,
    });
    expect(once.shareTyped).toBeCloseTo(7 / (filledLeaves + 6));
    const events = await hub.store.readStream(dossierStream(id));
    expect(events.map((e) => e.type)).toEqual([
      'DossierSubmitted',
      'DossierPrefilled',
      'DossierDeclarationCompleted',
      'DossierComponentResolved',
      'DossierComponentResolved',
      'DossierComponentResolved',
    ]);
    expect(JSON.stringify(events)).not.toContain(mother());
    expect(events.at(-1)!.data).toMatchObject({
      component: 'giay-chung-nhan-ket-hon',
      resolution: { kind: 'reused', source: { kind: 'document', documentId: certificate.documentId } },
    });
    const reuse = (await hub.store.readStream(`document-${certificate.documentId}`)).at(-1)!;
    expect(reuse).toMatchObject({
      type: 'DocumentReused',
      data: { dossier: id, componentCode: 'giay-chung-nhan-ket-hon' },
    });

    // an invalid declaration names the pointer at fault and records nothing
    const bad = await hub.gql(
      portal,
      'mutation($id: ID!, $input: CompleteDeclarationInput!) { completeDeclaration(id: $id, input: $input) { id } }',
      { id, input: { values: { ...values, child: { fullName: 'x' } } } },
    );
    expect(errorOf(bad)).toMatchObject({ code: 'BAD_USER_INPUT', hubCode: 'PROCEDURE_DECLARATION_INVALID' });
    expect(await hub.store.readStream(dossierStream(id))).toHaveLength(events.length);
  });

  it('leaves the fields to type where the contract needs consent, and fills them once the citizen consents', async () => {
    const id = await submit(AGENCIES.ngocHa);
    const applicant = { personalId: mother() };
    const without = ok(await prefill(portal, id, applicant), 'prefill') as unknown as Prefill;
    expect(field(without, 'mother.fullName')).toMatchObject({
      filled: false,
      reason: 'CONSENT_REQUIRED',
      value: null,
    });
    expect(component(without, 'nhan-than-me')).toMatchObject({
      satisfiedBy: 'UPLOAD',
      reason: 'CONSENT_REQUIRED',
    });
    expect(without.values.mother).toEqual({ personalId: mother() });
    expect(without.typed).toContain('mother.fullName');
    expect(without.accesses).toEqual([]);
    expect((await accessesFor(id)).map((e) => [e.type, (e.data as { reason?: string }).reason])).toEqual([
      ['DataAccessDenied', 'CONSENT_REQUIRED'],
    ]);

    const consentId = await consentToBirthRegistration(hub, portal, AGENCIES.ngocHa, id);
    const withConsent = ok(await prefill(portal, id, applicant), 'prefill') as unknown as Prefill;
    expect(field(withConsent, 'mother.fullName')).toMatchObject({ filled: true, reason: null });
    expect(component(withConsent, 'nhan-than-me').satisfiedBy).toBe('REUSE');
    const last = (await accessesFor(id)).at(-1)!;
    expect(last).toMatchObject({ type: 'DataAccessed', id: withConsent.accesses[0], data: { consentId } });
    expect(withConsent.typed.length).toBeLessThan(without.typed.length);
  });

  it('refuses another citizen’s portal, a personal ID that is not the applicant’s, and a closed dossier', async () => {
    const id = await submit(AGENCIES.baDinh);
    const other = await hub.token(AGENCIES.portal, 'citizen-portal', {
      citizenPid: ex.child.fatherPersonalId,
    });
    expect(errorOf(await prefill(other, id, { personalId: ex.child.fatherPersonalId }))).toMatchObject({
      hubCode: 'DOSSIER_NOT_FOUND',
    });
    expect(errorOf(await prefill(portal, id, { personalId: ex.child.fatherPersonalId }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'applicant.personalId',
    });
    expect(errorOf(await prefill(portal, id))).toMatchObject({ field: 'applicant' });
    expect(errorOf(await prefill(portal, id, { personalId: '12' }))).toMatchObject({
      field: 'applicant.personalId',
    });
    await hub.gql(portal, 'mutation($id: ID!) { withdrawDossier(id: $id) { id } }', { id });
    expect(errorOf(await prefill(portal, id, { personalId: mother() }))).toMatchObject({
      hubCode: 'DOSSIER_INVALID_TRANSITION',
    });
    expect(await accessesFor(id)).toEqual([]);
  });
});

describe('prefill at the one-stop desk', () => {
  const ddmmyyyy = (date: string) => `${date.slice(8, 10)}${date.slice(5, 7)}${date.slice(0, 4)}`;

  it('identifies the applicant by the ID card’s QR and fills the applicant’s fields from it', async () => {
    const desk = await hub.token(AGENCIES.baDinh, 'consumer', { official: 'cb-motcua-01' });
    type Citizen = { personalId: string; fullName: string; dateOfBirth: string; gender: string };
    const qrOf = (c: Citizen) =>
      [
        c.personalId,
        '',
        c.fullName,
        ddmmyyyy(c.dateOfBirth),
        c.gender === 'male' ? 'Nam' : 'Nữ',
        'số 1 phố Đội Cấn',
        '10082021',
      ].join('|');
    const citizen = hub.citizens[0] as Citizen;
    const qr = qrOf(citizen);
    const submitted = await hub.gql(
      desk,
      'mutation($input: SubmitDossierInput!) { submitDossier(input: $input) { id } }',
      { input: { procedure: BIRTH, applicantQr: qr, declaration: { values: {} } } },
    );
    const id = ok(submitted, 'submitDossier').id as string;
    const p = ok(
      await prefill(desk, id, { personalId: citizen.personalId, phone: '0987654321' }, qr),
      'prefill',
    ) as unknown as Prefill;
    expect(p.values.declarant).toEqual({
      personalId: citizen.personalId,
      fullName: citizen.fullName,
      phone: '0987654321',
    });
    expect(field(p, 'mother.fullName')).toMatchObject({ filled: false, reason: 'INPUT_MISSING' });

    const malformed = await prefill(desk, id, undefined, qr.replace('|Nam|', '|X|').replace('|Nữ|', '|X|'));
    expect(errorOf(malformed)).toMatchObject({
      hubCode: 'IDENTITY_QR_INVALID',
      field: 'applicantQr',
      name: 'gender',
    });
    expect(errorOf(await prefill(desk, id, undefined, qrOf(hub.citizens[1] as Citizen)))).toMatchObject({
      hubCode: 'DOSSIER_INVALID',
      field: 'applicantQr',
    });
    const ngocHa = await hub.token(AGENCIES.ngocHa, 'consumer');
    expect(errorOf(await prefill(ngocHa, id, undefined, qr))).toMatchObject({ code: 'FORBIDDEN' });
  });
});
