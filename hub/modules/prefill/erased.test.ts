import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedResult } from '../../testing/dossier-hub.js';
import {
  AGENCIES,
  API_PROJECTIONS,
  type GqlResponse,
  startTestHub,
  type TestHub,
} from '../../testing/hub.js';
import { documentsProjection } from '../documents/index.js';
import { dossierStream, dossiersProjection } from '../dossiers/index.js';

// A dossier whose citizen is erased (crypto-shredding): the dossier stays an administrative record
// the agency can finish, with its counts and timeline, but nothing of the citizen opens any more —
// not the declaration (prefill, completion), not their documents — and the citizen's portal no
// longer finds it; another dossier naming the erased person gets nothing of theirs.
let hub: TestHub;
const pid = (i: number) => hub.citizens[i]!.personalId as string;
const tokens: Record<'portal' | 'other' | 'ward', string> = {} as never;
beforeAll(async () => {
  hub = await startTestHub({
    citizens: 3,
    projections: [...API_PROJECTIONS, dossiersProjection, documentsProjection],
  });
  tokens.portal = await hub.token(AGENCIES.portal, 'citizen-portal', { citizenPid: pid(0) });
  tokens.other = await hub.token(AGENCIES.portal, 'citizen-portal', { citizenPid: pid(1) });
  tokens.ward = await hub.token(AGENCIES.baDinh, 'consumer', { official: 'cb-hotich-02' });
}, 60_000);
afterAll(async () => hub?.close());

const ok = <T = Record<string, unknown>>(res: GqlResponse, field: string) => {
  expect(res.errors).toBeUndefined();
  return res.data![field] as T;
};
const errorOf = (res: GqlResponse) => res.errors?.[0]?.extensions;
const SUBMIT = 'mutation($input: SubmitDossierInput!) { submitDossier(input: $input) { id } }';
const PREFILL = `query($d: ID!, $a: PrefillApplicantInput) {
  prefill(dossier: $d, applicant: $a) { values fields { path filled reason } components { code satisfiedBy } } }`;
const COMPLETE = `mutation($id: ID!, $input: CompleteDeclarationInput!) {
  completeDeclaration(id: $id, input: $input) { id onceOnly { fieldsPrefilled fieldsTyped } } }`;
const ONE = `query($id: ID!) { dossier(id: $id) { id status onceOnly { fieldsPrefilled fieldsTyped }
  timeline { type details } } }`;
const LIST = '{ dossiers { edges { node { id } } } }';
const birth = (mother: string) => ({
  procedure: '1.001193',
  agency: AGENCIES.baDinh,
  declaration: { values: { mother: { personalId: mother } } },
});

describe('a dossier whose citizen is erased', () => {
  it('stays a record the agency can finish, while nothing of the citizen opens any more', async () => {
    const id = (
      ok(await hub.gql(tokens.portal, SUBMIT, { input: birth(pid(0)) }), 'submitDossier') as { id: string }
    ).id;
    const before = ok<{ values: Record<string, unknown> }>(
      await hub.gql(tokens.portal, PREFILL, { d: id, a: { personalId: pid(0), fullName: 'Tên Mẹ' } }),
      'prefill',
    );
    const values = {
      ...before.values,
      declarant: { ...(before.values.declarant as object), relationship: 'mother' },
      child: { fullName: 'Bé Na', gender: 'female', dateOfBirth: '2026-05-01', placeOfBirth: 'Hà Nội' },
    };
    const counted = ok<{ onceOnly: unknown }>(
      await hub.gql(tokens.portal, COMPLETE, { id, input: { values } }),
      'completeDeclaration',
    );
    const result = await signedResult(hub, {
      resultType: 'birth-certificate',
      dossier: id,
      issuer: AGENCIES.baDinh,
      personalId: pid(0),
      issuedAt: new Date(),
      text: 'Giấy khai sinh',
    });
    // another citizen's dossier names her as the mother: her record is read while she exists
    const otherId = (
      ok(await hub.gql(tokens.other, SUBMIT, { input: birth(pid(0)) }), 'submitDossier') as { id: string }
    ).id;

    await hub.erase(pid(0));
    await hub.settle();
    const accessBefore = (await hub.accessEvents(pid(0))).length;

    // the declaration opens no more: no prefill, no completion, nothing read or written
    const streamBefore = (await hub.store.readStream(dossierStream(id))).length;
    expect(
      errorOf(await hub.gql(tokens.portal, PREFILL, { d: id, a: { personalId: pid(0) } })),
    ).toMatchObject({ hubCode: 'PRIVACY_SUBJECT_ERASED' });
    const desk = await hub.gql(tokens.ward, PREFILL, { d: id, a: { personalId: pid(0) } });
    expect(errorOf(desk)).toMatchObject({ hubCode: 'PRIVACY_SUBJECT_ERASED' });
    expect(errorOf(await hub.gql(tokens.ward, COMPLETE, { id, input: { values } }))).toMatchObject({
      hubCode: 'PRIVACY_SUBJECT_ERASED',
    });
    expect(await hub.store.readStream(dossierStream(id))).toHaveLength(streamBefore);
    expect((await hub.accessEvents(pid(0))).length).toBe(accessBefore);

    // the agency still sees and finishes the dossier; its portal no longer finds it
    const seen = ok<{ status: string; onceOnly: unknown; timeline: { type: string; details: string }[] }>(
      await hub.gql(tokens.ward, ONE, { id }),
      'dossier',
    );
    expect(seen.onceOnly).toEqual((counted as { onceOnly: unknown }).onceOnly);
    expect(seen.timeline.map((t) => t.type)).toContain('DossierDeclarationCompleted');
    expect(JSON.stringify(seen)).not.toContain(pid(0));
    expect(ok<{ id: string } | null>(await hub.gql(tokens.portal, ONE, { id }), 'dossier')).toBeNull();
    expect(ok<{ edges: unknown[] }>(await hub.gql(tokens.portal, LIST), 'dossiers').edges).toEqual([]);
    for (const step of ['receiveDossier', 'approveDossier']) {
      expect(
        errorOf(await hub.gql(tokens.ward, `mutation($id: ID!) { ${step}(id: $id) { id } }`, { id })),
      ).toBeUndefined();
    }
    expect(
      await hub.app.documents.findResults(hub.pseudonymize('citizen', pid(0)), 'birth-certificate'),
    ).toEqual([]);
    const download = await hub.app.inject({
      method: 'GET',
      url: `/documents/${result.document.documentId}/content`,
      headers: { authorization: `Bearer ${tokens.ward}` },
    });
    expect(download.statusCode).toBe(410);
    expect(download.json()).toMatchObject({ code: 'PRIVACY_SUBJECT_ERASED' });

    // a new dossier of hers cannot be sealed; another citizen's dossier naming her reads nothing
    expect(errorOf(await hub.gql(tokens.portal, SUBMIT, { input: birth(pid(0)) }))).toMatchObject({
      hubCode: 'PRIVACY_SUBJECT_ERASED',
    });
    const other = ok<{ fields: { path: string; filled: boolean; reason: string | null }[] }>(
      await hub.gql(tokens.other, PREFILL, { d: otherId, a: { personalId: pid(1) } }),
      'prefill',
    );
    expect(other.fields.find((f) => f.path === 'mother.fullName')).toMatchObject({
      filled: false,
      reason: 'NOT_FOUND',
    });
    // the attempt is recorded on her access stream (by pseudonym) as what it was: nothing released
    expect((await hub.accessEvents(pid(0))).slice(accessBefore)).toMatchObject([
      { type: 'DataAccessDenied', data: { reason: 'NOT_FOUND', dossier: otherId } },
    ]);
  });
});
