import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoExamples } from '../../../demo/sources/index.js';
import { signedResult, startDossierHub } from '../../testing/dossier-hub.js';
import { AGENCIES, type GqlResponse, type TestHub } from '../../testing/hub.js';
import { dossierStream } from '../dossiers/index.js';

// Linked procedures end to end through GraphQL: a birth registration filed by the mother through
// the portal fans out into permanent residence registration (the ward police) and the health-
// insurance card of a child under 6 (Hanoi social security); each lives its own life, and the
// birth registration completes when both have ended.
let hub: TestHub;
let ex: DemoExamples;
const NOW = new Date('2026-06-10T02:00:00.000Z'); // Wednesday 10 June 2026, 09:00 in Hanoi
const tokens: Record<'portal' | 'ward' | 'police' | 'vss' | 'ngocHa', string> = {} as never;
beforeAll(async () => {
  ({ hub, ex } = await startDossierHub());
  hub.setNow(NOW);
  tokens.portal = await hub.token(AGENCIES.portal, 'citizen-portal', {
    citizenPid: ex.child.motherPersonalId,
  });
  tokens.ward = await hub.token(AGENCIES.baDinh, 'consumer', { official: 'cb-hotich-01' });
  tokens.police = await hub.token(AGENCIES.baDinhPolice, 'consumer', { official: 'ca-cutru-01' });
  tokens.vss = await hub.token(AGENCIES.hanoiSocialSecurity, 'consumer', { official: 'bhxh-01' });
  tokens.ngocHa = await hub.token(AGENCIES.ngocHa, 'consumer');
}, 120_000);
afterAll(async () => hub?.close());

const DOSSIER = `id status agency parent childrenPending children
  onceOnly { fieldsPrefilled fieldsTyped componentsReused componentsUploaded }
  linked { id procedure agency status portalStatus outcome }`;
type Dossier = {
  id: string;
  status: string;
  children: number;
  childrenPending: number;
  onceOnly: Record<string, number>;
  linked: { id: string; procedure: string; agency: string; status: string; outcome: string | null }[];
};
const ok = (res: GqlResponse, field: string) => {
  expect(res.errors).toBeUndefined();
  return res.data![field] as Dossier;
};
const errorOf = (res: GqlResponse) => res.errors?.[0]?.extensions;
const act = (token: string, mutation: string, id: string, input?: Record<string, unknown>, type?: string) =>
  hub.gql(
    token,
    input === undefined
      ? `mutation($id: ID!) { ${mutation}(id: $id) { ${DOSSIER} } }`
      : `mutation($id: ID!, $input: ${type}!) { ${mutation}(id: $id, input: $input) { ${DOSSIER} } }`,
    { id, ...(input === undefined ? {} : { input }) },
  );
const FAN_OUT = (links: unknown) => ['fanOutLinkedDossiers', { links }, 'FanOutInput'] as const;

/** The birth certificate the ward signs for the mother, electronically. */
const birthCertificate = (dossier: string) =>
  signedResult(hub, {
    resultType: 'birth-certificate',
    dossier,
    issuer: AGENCIES.baDinh,
    personalId: ex.child.motherPersonalId,
    issuedAt: NOW,
    text: 'Giấy khai sinh điện tử',
  });

describe('linked procedures: birth registration → permanent residence, health-insurance card', () => {
  it('fans out, carries the data through the hub, and completes the parent when every child has ended', async () => {
    // the mother files online, the form prefilled from her record, the child's details typed
    const submitted = await hub.gql(
      tokens.portal,
      'mutation($input: SubmitDossierInput!) { submitDossier(input: $input) { id } }',
      {
        input: {
          procedure: '1.001193',
          agency: AGENCIES.baDinh,
          declaration: { values: { mother: { personalId: ex.child.motherPersonalId } } },
        },
      },
    );
    const parent = (ok(submitted, 'submitDossier') as { id: string }).id;
    const pre = await hub.gql(
      tokens.portal,
      `query($d: ID!, $a: PrefillApplicantInput) { prefill(dossier: $d, applicant: $a) { values } }`,
      { d: parent, a: { personalId: ex.child.motherPersonalId, fullName: 'Người Mẹ' } },
    );
    const values = (pre.data!.prefill as { values: Record<string, Record<string, unknown>> }).values;
    const completed = ok(
      await act(
        tokens.portal,
        'completeDeclaration',
        parent,
        {
          values: {
            ...values,
            declarant: { ...values.declarant, relationship: 'mother' },
            child: {
              fullName: 'Lê An Nhiên',
              gender: 'female',
              dateOfBirth: '2026-06-01',
              placeOfBirth: 'Hà Nội',
            },
          },
          components: [{ component: 'giay-chung-sinh', documentId: 'giay-chung-sinh-9' }],
        },
        'CompleteDeclarationInput',
      ),
      'completeDeclaration',
    );
    expect(completed.onceOnly.fieldsTyped).toBe(6); // the mother’s ID, the relationship, the child’s four

    ok(await act(tokens.ward, 'receiveDossier', parent), 'receiveDossier');
    ok(await act(tokens.ward, 'approveDossier', parent), 'approveDossier');
    const certificate = await birthCertificate(parent);

    // a wrong link, a missing agency, another agency: refused before anything is written
    const before = (await hub.store.readStream(dossierStream(parent))).length;
    expect(
      errorOf(await act(tokens.ward, ...fan(parent, [{ procedure: '1.000656', agency: AGENCIES.baDinh }]))),
    ).toMatchObject({
      hubCode: 'DOSSIER_INVALID',
      field: 'input.links[0].procedure',
    });
    expect(
      errorOf(
        await act(
          tokens.ward,
          ...fan(parent, [
            { procedure: '1.004222', agency: AGENCIES.baDinhPolice },
            { procedure: '9.000001' },
          ]),
        ),
      ),
    ).toMatchObject({ field: 'input.links[1].agency' });
    expect(
      errorOf(
        await act(tokens.ngocHa, ...fan(parent, [{ procedure: '1.004222', agency: AGENCIES.baDinhPolice }])),
      ),
    ).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await hub.store.readStream(dossierStream(parent))).toHaveLength(before);

    const links = [
      { procedure: '1.004222', agency: AGENCIES.baDinhPolice },
      { procedure: '9.000001', agency: AGENCIES.hanoiSocialSecurity },
    ];
    const fanned = ok(await act(tokens.ward, ...fan(parent, links)), 'fanOutLinkedDossiers');
    expect(fanned).toMatchObject({ status: 'APPROVED', children: 2, childrenPending: 2 });
    expect(fanned.linked.map((c) => [c.procedure, c.agency, c.status])).toEqual([
      ['1.004222', AGENCIES.baDinhPolice, 'SUBMITTED'],
      ['9.000001', AGENCIES.hanoiSocialSecurity, 'SUBMITTED'],
    ]);
    const [residence, card] = fanned.linked.map((c) => c.id) as [string, string];
    // fanning out again adds nothing
    expect(ok(await act(tokens.ward, ...fan(parent, links)), 'fanOutLinkedDossiers').children).toBe(2);

    // each child: the parent's data mapped in, prefilled for its agency, completed without asking
    for (const child of [residence, card]) {
      const events = await hub.store.readStream(dossierStream(child));
      expect(events.map((e) => e.type)).toEqual([
        'DossierSubmitted',
        'DossierPrefilled',
        'DossierDeclarationCompleted',
        'DossierComponentResolved',
      ]);
      const [sub, , done, reused] = events;
      expect(sub!.data).toMatchObject({ parent, channel: 'online', declaration: { fields: { typed: 0 } } });
      expect(done!.data).toMatchObject({ declaration: { fields: { typed: 0 } } });
      expect(reused!.data).toMatchObject({
        component: 'giay-khai-sinh',
        resolution: {
          kind: 'reused',
          source: { kind: 'document', documentId: certificate.document.documentId },
        },
      });
    }
    const residenceView = await hub.gql(
      tokens.police,
      `query($d: ID!) { prefill(dossier: $d) { values fields { path source linkedFrom from } } }`,
      { d: residence },
    );
    const flowed = residenceView.data!.prefill as {
      values: { person: Record<string, unknown>; newResidence: Record<string, unknown>; newborn: boolean };
      fields: { path: string; source: string; linkedFrom: string | null; from: string | null }[];
    };
    expect(flowed.values.person).toMatchObject({
      fullName: 'Lê An Nhiên',
      dateOfBirth: '2026-06-01',
      gender: 'female',
    });
    expect(flowed.values.newResidence).toEqual({
      address: values.mother!.residenceAddress,
      communeCode: values.mother!.residenceCommuneCode,
    });
    expect(flowed.values.newborn).toBe(true);
    expect(flowed.fields).toContainEqual({
      path: 'newResidence.address',
      source: 'LINKED',
      linkedFrom: parent,
      from: 'mother.residenceAddress',
    });
    const reuses = (await hub.store.readStream(`document-${certificate.document.documentId}`)).filter(
      (e) => e.type === 'DocumentReused',
    );
    expect(reuses.map((e) => (e.data as { dossier: string }).dossier).sort()).toEqual(
      [residence, card].sort(),
    );

    // the parent waits for its children
    const early = await act(tokens.ward, 'issueResult', parent, { paper: true }, 'IssueResultInput');
    expect(errorOf(early)).toMatchObject({ hubCode: 'DOSSIER_CHILDREN_PENDING' });

    // each child at its own agency, with its own lifecycle
    ok(await act(tokens.police, 'receiveDossier', residence), 'receiveDossier');
    ok(await act(tokens.police, 'approveDossier', residence), 'approveDossier');
    ok(
      await act(tokens.police, 'issueResult', residence, { paper: true }, 'IssueResultInput'),
      'issueResult',
    );
    ok(await act(tokens.vss, 'receiveDossier', card), 'receiveDossier');
    expect(errorOf(await act(tokens.police, 'approveDossier', card))).toMatchObject({ code: 'FORBIDDEN' });
    const view = await hub.gql(tokens.ward, `query($id: ID!) { dossier(id: $id) { ${DOSSIER} } }`, {
      id: parent,
    });
    expect((view.data!.dossier as Dossier).linked.map((c) => [c.status, c.outcome])).toEqual([
      ['RESULT_ISSUED', 'result-issued'],
      ['RECEIVED', null],
    ]);
    expect((view.data!.dossier as Dossier).childrenPending).toBe(1);
    ok(await act(tokens.vss, 'approveDossier', card), 'approveDossier');
    ok(await act(tokens.vss, 'issueResult', card, { paper: true }, 'IssueResultInput'), 'issueResult');

    const electronic = {
      documentId: certificate.document.documentId,
      contentHash: certificate.document.contentHash,
    };
    const issued = ok(
      await act(tokens.ward, 'issueResult', parent, { electronic, paper: true }, 'IssueResultInput'),
      'issueResult',
    );
    expect(issued).toMatchObject({ status: 'RESULT_ISSUED', childrenPending: 0 });
    expect(issued.linked.map((c) => c.outcome)).toEqual(['result-issued', 'result-issued']);
    const returned = ok(
      await act(tokens.ward, 'returnResult', parent, { channel: 'ONLINE' }, 'ReturnResultInput'),
      'returnResult',
    );
    expect(returned.status).toBe('RETURNED');
  });
});

function fan(id: string, links: unknown) {
  const [mutation, input, type] = FAN_OUT(links);
  return [mutation, id, input, type] as const;
}
