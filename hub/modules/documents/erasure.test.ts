import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSigningKey } from '../../../demo/keys.js';
import { SubjectErasedError } from '../../kernel/errors/index.js';
import { AGENCIES, API_PROJECTIONS, startTestHub, type TestHub } from '../../testing/hub.js';
import { silentLogger } from '../../testing/temp.js';
import { eraseSubject } from '../erasure/index.js';
import { documentsOfDossier, documentsProjection, resultClaims, signResult } from './index.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ citizens: 1, projections: [...API_PROJECTIONS, documentsProjection] });
});
afterAll(() => hub?.close());

const WARD = { agency: AGENCIES.baDinh, official: 'CB-0042' };
const PAPER = Buffer.from('%PDF-1.7\nSổ hộ khẩu — Trần Thị Bình, 12 Phố Huế\n%%EOF\n');
const RESULT = Buffer.from('{"giayKhaiSinh":{"hoTen":"Trần Thị Bình","ngaySinh":"1990-01-02"}}');

describe('erasing the subject', () => {
  it('makes their documents unreadable for good, while the file store keeps only ciphertext', async () => {
    const personalId = hub.citizens[0]!.personalId as string;
    const subject = hub.pseudonymize('citizen', personalId);
    const documents = hub.app.documents;
    const scan = await documents.digitise(WARD, {
      subject,
      dossier: 'HS-2026-000400',
      componentCode: 'so-ho-khau',
      content: PAPER,
      mediaType: 'application/pdf',
    });
    const claims = resultClaims({
      content: RESULT,
      resultType: 'birth-certificate',
      dossier: 'HS-2026-000400',
      issuer: AGENCIES.baDinh,
      subject,
      issuedAt: new Date(Date.now() - 1000).toISOString(),
    });
    const signature = await signResult(claims, await demoSigningKey(hub.dir, AGENCIES.baDinh));
    const result = await documents.issueResult(WARD, {
      signature,
      content: RESULT,
      mediaType: 'application/json',
    });
    expect((await documents.read(scan.document.documentId)).content.equals(PAPER)).toBe(true);
    expect(documents.findResults(subject, 'birth-certificate')).toHaveLength(1);

    await eraseSubject(
      {
        store: hub.store,
        readModels: hub.db,
        keys: hub.keys,
        pseudonymize: hub.pseudonymize,
        actor: { kind: 'operator', id: 'dpo-1' },
        logger: silentLogger(),
      },
      personalId,
    );
    await hub.settle();

    for (const id of [scan.document.documentId, result.document.documentId]) {
      await expect(documents.read(id)).rejects.toBeInstanceOf(SubjectErasedError);
      const response = await hub.app.inject({
        method: 'GET',
        url: `/documents/${id}/content`,
        headers: { authorization: `Bearer ${await hub.token(AGENCIES.inspector, 'inspector')}` },
      });
      expect([response.statusCode, response.json().code]).toEqual([410, 'PRIVACY_SUBJECT_ERASED']);
      const gql = await hub.gql(
        await hub.token(AGENCIES.baDinh, 'consumer'),
        `{ document(id: "${id}") { id } }`,
      );
      expect(gql.errors?.[0]?.extensions.hubCode).toBe('PRIVACY_SUBJECT_ERASED');
    }
    expect(documents.findResults(subject, 'birth-certificate')).toEqual([]);
    expect(documentsOfDossier(hub.db, 'HS-2026-000400')).toEqual([]);
    await expect(
      documents.digitise(WARD, {
        subject,
        dossier: 'HS-2026-000401',
        componentCode: 'x',
        content: PAPER,
        mediaType: 'application/pdf',
      }),
    ).rejects.toBeInstanceOf(SubjectErasedError);
    await expect(
      documents.reuse(WARD, {
        documentId: result.document.documentId,
        subject,
        dossier: 'HS-2026-000402',
        componentCode: 'giay-khai-sinh',
      }),
    ).rejects.toBeInstanceOf(SubjectErasedError);

    // the blobs are still there, but only as ciphertext nobody holds a key to
    for (const { blobHash } of [scan.document, result.document]) {
      const file = path.join(hub.dir, 'documents', blobHash.slice(0, 2), blobHash.slice(2, 4), blobHash);
      const bytes = fs.readFileSync(file);
      expect(bytes.includes(PAPER) || bytes.includes(RESULT)).toBe(false);
      expect(bytes.toString('utf8')).not.toMatch(/Trần Thị Bình|%PDF|giayKhaiSinh/);
    }
  });
});
