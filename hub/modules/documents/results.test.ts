import { base64url, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSigningKey } from '../../../demo/keys.js';
import {
  AuthForbiddenError,
  DocumentRevokedError,
  DocumentSubjectMismatchError,
} from '../../kernel/errors/index.js';
import { AGENCIES, API_PROJECTIONS, startTestHub, type TestHub } from '../../testing/hub.js';
import {
  type DocumentActor,
  documentsOfDossier,
  documentsProjection,
  type ResultClaims,
  resultClaims,
  sha256Hex,
  signResult,
  verifyResultSignature,
} from './index.js';

let hub: TestHub;
let personalId: string;
let subject: string;
const HANOI = AGENCIES.hanoi;
const CERTIFICATE = Buffer.from('%PDF-1.7\nPhiếu lý lịch tư pháp số 1\n%%EOF\n');
const NGOC_HA: DocumentActor = { agency: AGENCIES.ngocHa, official: 'CB-0007' };

beforeAll(async () => {
  hub = await startTestHub({ citizens: 2, projections: [...API_PROJECTIONS, documentsProjection] });
  personalId = hub.citizens[0]!.personalId as string;
  subject = hub.pseudonymize('citizen', personalId);
});
afterAll(() => hub?.close());

const auth = async (
  agency: string,
  role: Parameters<TestHub['token']>[1] = 'provider',
  citizenPid?: string,
) => ({
  authorization: `Bearer ${await hub.token(agency, role, { citizenPid })}`,
});

const claimsFor = (content: Buffer, over: Partial<ResultClaims> = {}) =>
  resultClaims({
    content,
    resultType: 'judicial-record-certificate',
    dossier: 'HS-2026-000200',
    issuer: HANOI,
    subject,
    issuedAt: new Date(Date.now() - 60_000).toISOString(),
    validUntil: new Date(Date.now() + 180 * 86_400_000).toISOString(),
    ...over,
  });

/** Signs as the demo agency's own system would, with its private key from the demo seed. */
const signAs = async (agency: string, claims: ResultClaims) =>
  signResult(claims, await demoSigningKey(hub.dir, agency));

const record = async (jws: string, content: Buffer, agency: string = HANOI) =>
  hub.app.inject({
    method: 'POST',
    url: '/documents/results',
    headers: {
      ...(await auth(agency, agency === HANOI ? 'provider' : 'consumer')),
      'content-type': 'application/pdf',
      'x-result-signature': jws,
    },
    payload: content,
  });

const download = async (id: string, headers: Record<string, string>) =>
  hub.app.inject({ method: 'GET', url: `/documents/${id}/content`, headers });

async function documentEvents(id: string) {
  return hub.store.readStream(`document-${id}`);
}

describe('signed electronic results', () => {
  let resultId: string;
  let jws: string;

  it("are signed by the issuing agency's key and verified against its registered JWKS before recording", async () => {
    const prepared = await hub.app.inject({
      method: 'POST',
      url: '/documents/results/claims',
      headers: await auth(HANOI),
      payload: {
        personalId,
        resultType: 'judicial-record-certificate',
        dossier: 'HS-2026-000200',
        contentHash: sha256Hex(CERTIFICATE),
      },
    });
    expect(prepared.statusCode).toBe(200);
    expect(prepared.json()).toMatchObject({
      claims: { subject, issuer: HANOI, contentHash: sha256Hex(CERTIFICATE) },
      header: { typ: 'lienthong-result+jws', algorithms: ['ES256', 'EdDSA'] },
    });
    jws = await signAs(HANOI, prepared.json().claims);
    const recorded = await record(jws, CERTIFICATE);
    expect(recorded.statusCode).toBe(201);
    const doc = recorded.json();
    resultId = doc.id;
    expect(doc).toMatchObject({
      kind: 'result',
      resultType: 'judicial-record-certificate',
      issuer: HANOI,
      contentHash: sha256Hex(CERTIFICATE),
      signature: { jws, alg: 'ES256' },
      recordedBy: { agency: HANOI },
    });
    expect((await documentEvents(resultId)).map((e) => e.type)).toEqual(['ElectronicResultIssued']);

    // anyone can verify it with the agency's public JWKS, published at a stable URL
    const published = await hub.app.inject({ method: 'GET', url: `/agencies/${HANOI}/jwks.json` });
    expect(published.statusCode).toBe(200);
    const jwks = published.json() as JSONWebKeySet;
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
    expect((await verifyResultSignature(jws, () => jwks)).claims.subject).toBe(subject);
    expect(
      (await hub.app.inject({ method: 'GET', url: '/agencies/000.99.99.H99/jwks.json' })).json().code,
    ).toBe('AGENCY_NOT_FOUND');

    // the same signed result again, or the same claims signed again (ES256 differs each time), is
    // the same document
    expect((await record(jws, CERTIFICATE)).json().id).toBe(resultId);
    const resigned = await signAs(HANOI, prepared.json().claims);
    expect(resigned).not.toBe(jws);
    expect((await record(resigned, CERTIFICATE)).json().id).toBe(resultId);
    expect(await documentEvents(resultId)).toHaveLength(1);

    const gql = await hub.gql(
      await hub.token(HANOI, 'provider'),
      `{ document(id: "${resultId}") { kind signature { status kid } } }`,
    );
    expect(gql.data!.document).toEqual({
      kind: 'RESULT',
      signature: { status: 'VALID', kid: doc.signature.kid },
    });
    const got = await download(resultId, await auth(AGENCIES.portal, 'citizen-portal', personalId));
    expect(got.rawPayload.equals(CERTIFICATE)).toBe(true);
  });

  it("are refused when the content or the signature is changed, or another agency's key signed them", async () => {
    const before = (await hub.store.readAll({ filter: { streamPrefixes: ['document-'] } })).length;
    const refused = async (response: Awaited<ReturnType<typeof record>>, code: string) => {
      expect([response.statusCode, response.json().code]).toEqual([400, code]);
    };
    const changed = Buffer.from(CERTIFICATE.toString().replace('số 1', 'số 2'));
    await refused(await record(jws, changed), 'DOCUMENT_RESULT_CONTENT_MISMATCH');

    const [header, payload, signature] = jws.split('.');
    const forged = base64url.encode(
      JSON.stringify({
        ...JSON.parse(new TextDecoder().decode(base64url.decode(payload!))),
        contentHash: sha256Hex(changed),
      }),
    );
    await refused(
      await record(`${header}.${forged}.${signature}`, changed),
      'DOCUMENT_RESULT_SIGNATURE_INVALID',
    );
    const bits = base64url.decode(signature!);
    bits[10]! ^= 1;
    await refused(
      await record(`${header}.${payload}.${base64url.encode(bits)}`, CERTIFICATE),
      'DOCUMENT_RESULT_SIGNATURE_INVALID',
    );

    // a ward signs claims naming the city as issuer: none of the city's keys verifies it
    const impostor = await record(
      await signAs(AGENCIES.baDinh, claimsFor(changed)),
      changed,
      AGENCIES.baDinh,
    );
    expect(impostor.json()).toMatchObject({ code: 'DOCUMENT_RESULT_SIGNATURE_INVALID' });
    expect(impostor.json().message).toMatch(/no registered key of the issuer matches/);

    // the retired district signs with its own key after its last day
    const retired = claimsFor(changed, { issuer: AGENCIES.quanBaDinh });
    await refused(
      await record(await signAs(AGENCIES.quanBaDinh, retired), changed),
      'DOCUMENT_RESULT_ISSUER_NOT_IN_FORCE',
    );
    expect((await hub.store.readAll({ filter: { streamPrefixes: ['document-'] } })).length).toBe(before);
  });

  it('are found for reuse by subject and type, and a reuse is recorded once, citing the result', async () => {
    const [found] = hub.app.documents.findResults(subject, 'judicial-record-certificate');
    expect(found).toMatchObject({
      documentId: resultId,
      kind: 'result',
      agency: HANOI,
      dossier: 'HS-2026-000200',
    });
    expect(found!.sourceEventId).toBe((await documentEvents(resultId))[0]!.id);
    expect(hub.app.documents.findResults(subject, 'birth-certificate')).toEqual([]);
    expect(
      hub.app.documents.findResults(
        hub.pseudonymize('citizen', '001099000001'),
        'judicial-record-certificate',
      ),
    ).toEqual([]);

    // before the reuse the ward handling the new dossier may not read it
    expect((await download(resultId, await auth(AGENCIES.ngocHa, 'consumer'))).statusCode).toBe(403);
    const reuse = {
      documentId: resultId,
      subject,
      dossier: 'HS-2026-000300',
      componentCode: 'ly-lich-tu-phap',
    };
    const reused = await hub.app.documents.reuse(NGOC_HA, reuse);
    expect(await hub.app.documents.reuse(NGOC_HA, reuse)).toMatchObject({ eventId: reused.eventId });
    const events = await documentEvents(resultId);
    expect(events.map((e) => e.type)).toEqual(['ElectronicResultIssued', 'DocumentReused']);
    expect(events[1]).toMatchObject({
      id: reused.eventId,
      data: { sourceEventId: found!.sourceEventId, dossier: 'HS-2026-000300' },
    });
    expect(documentsOfDossier(hub.db, 'HS-2026-000300')).toEqual([
      {
        documentId: resultId,
        kind: 'result',
        componentCode: 'ly-lich-tu-phap',
        how: 'reused',
        eventId: reused.eventId,
        status: 'active',
      },
    ]);
    expect((await download(resultId, await auth(AGENCIES.ngocHa, 'consumer'))).statusCode).toBe(200);

    // an agency the dossiers module names as handling a dossier the document serves may read it too
    expect((await download(resultId, await auth(AGENCIES.hoanKiem, 'consumer'))).statusCode).toBe(403);
    hub.app.documents.useDossierAgencies((dossier) =>
      dossier === 'HS-2026-000300' ? [AGENCIES.hoanKiem] : [],
    );
    expect((await download(resultId, await auth(AGENCIES.hoanKiem, 'consumer'))).statusCode).toBe(200);

    const otherSubject = hub.pseudonymize('citizen', hub.citizens[1]!.personalId as string);
    await expect(
      hub.app.documents.reuse(NGOC_HA, { ...reuse, subject: otherSubject }),
    ).rejects.toBeInstanceOf(DocumentSubjectMismatchError);
  });

  it('count for reuse only when certified, and no longer once revoked by their issuer', async () => {
    const paper = Buffer.from('%PDF-1.4\nGiấy khai sinh (bản giấy)\n%%EOF\n');
    const ward = { agency: AGENCIES.baDinh, official: 'CB-0042' };
    const scan = {
      subject,
      dossier: 'HS-2026-000301',
      content: paper,
      mediaType: 'application/pdf',
      resultType: 'birth-certificate',
    };
    await hub.app.documents.digitise(ward, { ...scan, componentCode: 'ban-chup' });
    expect(hub.app.documents.findResults(subject, 'birth-certificate')).toEqual([]);
    const copy = await hub.app.documents.digitise(ward, {
      ...scan,
      componentCode: 'ban-sao',
      certifiedCopy: true,
    });
    expect(hub.app.documents.findResults(subject, 'birth-certificate').map((r) => r.documentId)).toEqual([
      copy.document.documentId,
    ]);

    await expect(
      hub.app.documents.revoke(NGOC_HA, { documentId: resultId, reason: 'x' }),
    ).rejects.toBeInstanceOf(AuthForbiddenError);
    const REVOKE =
      'mutation($id: ID!, $reason: String!) { revokeDocument(id: $id, reason: $reason) { status } }';
    const asWard = await hub.token(AGENCIES.ngocHa, 'consumer');
    const byWard = await hub.gql(asWard, REVOKE, { id: resultId, reason: 'x' });
    expect(byWard.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const asCity = await hub.token(HANOI, 'provider');
    const tooLong = await hub.gql(asCity, REVOKE, { id: resultId, reason: 'x'.repeat(501) });
    expect(tooLong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const revoked = await hub.gql(asCity, REVOKE, { id: resultId, reason: 'issued in error' });
    expect(revoked.data).toEqual({ revokeDocument: { status: 'REVOKED' } });
    expect(hub.app.documents.findResults(subject, 'judicial-record-certificate')).toEqual([]);
    await expect(
      hub.app.documents.reuse(NGOC_HA, {
        documentId: resultId,
        subject,
        dossier: 'HS-2026-000302',
        componentCode: 'x',
      }),
    ).rejects.toBeInstanceOf(DocumentRevokedError);
    const gql = await hub.gql(
      await hub.token(HANOI, 'provider'),
      `{ document(id: "${resultId}") { status revoked { reason agency } } }`,
    );
    expect(gql.data!.document).toEqual({
      status: 'REVOKED',
      revoked: { reason: 'issued in error', agency: HANOI },
    });
  });
});
