import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentIntegrityError } from '../../kernel/errors/index.js';
import { AGENCIES, API_PROJECTIONS, startTestHub, type TestHub } from '../../testing/hub.js';
import { documentsProjection } from './index.js';

let hub: TestHub;
let personalId: string;
let otherPersonalId: string;
const PDF = Buffer.from(
  '%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\nGiấy khai sinh — Nguyễn Văn An\n%%EOF\n',
);

beforeAll(async () => {
  hub = await startTestHub({ citizens: 2, projections: [...API_PROJECTIONS, documentsProjection] });
  personalId = hub.citizens[0]!.personalId as string;
  otherPersonalId = hub.citizens[1]!.personalId as string;
});
afterAll(() => hub?.close());

const bearer = async (agency: string, role: Parameters<TestHub['token']>[1], citizenPid?: string) => ({
  authorization: `Bearer ${await hub.token(agency, role, { citizenPid })}`,
});

async function upload(
  body: Buffer,
  options: { type?: string; query?: string; headers?: Record<string, string>; agency?: string } = {},
) {
  return hub.app.inject({
    method: 'POST',
    url: `/documents?${options.query ?? 'dossier=HS-2026-000123&component=giay-khai-sinh&pages=1&certified=true'}`,
    headers: {
      ...(await bearer(options.agency ?? AGENCIES.baDinh, 'consumer')),
      'content-type': options.type ?? 'application/pdf',
      'x-subject-personal-id': personalId,
      ...options.headers,
    },
    payload: body,
  });
}

const download = async (id: string, headers: Record<string, string>) =>
  hub.app.inject({ method: 'GET', url: `/documents/${id}/content?purpose=tthc-1.001193`, headers });

/** How many documents the log holds (distinct `document-` streams). */
async function documentStreams(): Promise<number> {
  const events = await hub.store.readAll({ filter: { streamPrefixes: ['document-'] } });
  return new Set(events.map((e) => e.stream)).size;
}

/** Where the file store keeps a blob: `<dataDir>/documents/<h0h1>/<h2h3>/<hash>`. */
const blobPath = (hash: string) => path.join(hub.dir, 'documents', hash.slice(0, 2), hash.slice(2, 4), hash);

const blobFiles = () =>
  fs
    .readdirSync(path.join(hub.dir, 'documents'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.parentPath.includes('.tmp'))
    .map((e) => path.join(e.parentPath, e.name));

describe('POST /documents and GET /documents/:id/content', () => {
  it('stores a digitised component encrypted, and sends it back to the agency, recording the access', async () => {
    const created = await upload(PDF);
    expect(created.statusCode).toBe(201);
    const doc = created.json();
    expect(doc).toMatchObject({
      kind: 'digitised',
      status: 'active',
      dossier: 'HS-2026-000123',
      componentCode: 'giay-khai-sinh',
      mediaType: 'application/pdf',
      size: PDF.length,
      pages: 1,
      certifiedCopy: true,
      digitisedBy: { agency: AGENCIES.baDinh, official: 'consumer-official-1' },
      contentUrl: `/documents/${doc.id}/content`,
    });
    expect(doc.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.blobHash).not.toBe(doc.contentHash);

    // the file store holds the blob at its address, and only ciphertext
    const file = blobPath(doc.blobHash);
    expect(blobFiles()).toContain(file);
    for (const f of blobFiles()) {
      const bytes = fs.readFileSync(f);
      expect(bytes.includes(PDF)).toBe(false);
      expect(bytes.toString('latin1')).not.toContain('%PDF');
    }

    const got = await download(doc.id, await bearer(AGENCIES.baDinh, 'consumer'));
    expect(got.statusCode).toBe(200);
    expect(got.rawPayload).toEqual(PDF);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(got.headers['cache-control']).toBe('no-store');
    expect(got.headers['repr-digest']).toBe(
      `sha-256=:${Buffer.from(doc.contentHash, 'hex').toString('base64')}:`,
    );
    const accesses = await hub.accessEvents(personalId);
    const access = accesses.find((e) => e.id === got.headers['x-access-id']);
    expect(access?.type).toBe('DocumentAccessed');
    expect(access?.data).toMatchObject({
      caller: { agency: AGENCIES.baDinh, role: 'consumer' },
      dataset: 'documents',
      fields: ['content'],
      purpose: 'tthc-1.001193',
      document: { documentId: doc.id, contentHash: doc.contentHash },
    });
    // nothing personal in the event log: no personal ID, no content
    const log = JSON.stringify(await hub.store.readAll());
    expect(log).not.toContain(personalId);
    expect(log).not.toContain('Nguyễn Văn An');

    // the same upload again is the same document: nothing new is recorded
    const streams = await documentStreams();
    const again = await upload(PDF);
    expect(again.statusCode).toBe(201);
    expect(again.json().id).toBe(doc.id);
    expect(await documentStreams()).toBe(streams);

    // the inspector's access log lists the download
    const inspector = await hub.token(AGENCIES.inspector, 'inspector');
    const logged = await hub.gql(
      inspector,
      `{ accessLog(personalId: "${personalId}") { id outcome dataset agency } }`,
    );
    expect(logged.data!.accessLog).toContainEqual({
      id: got.headers['x-access-id'],
      outcome: 'DOCUMENT',
      dataset: 'documents',
      agency: AGENCIES.baDinh,
    });
  });

  it('lets only the agencies holding it, the citizen’s own portal and inspectors download it', async () => {
    const doc = (await upload(PDF, { query: 'dossier=HS-2026-000124&component=cccd' })).json();
    const before = (await hub.accessEvents(personalId)).length;
    const other = await download(doc.id, await bearer(AGENCIES.ngocHa, 'consumer'));
    expect([other.statusCode, other.json().code]).toEqual([403, 'AUTH_FORBIDDEN']);
    const otherCitizen = await download(
      doc.id,
      await bearer(AGENCIES.portal, 'citizen-portal', otherPersonalId),
    );
    expect(otherCitizen.statusCode).toBe(403);
    const operator = await download(doc.id, await bearer('000.00.00.G12', 'operator'));
    expect(operator.statusCode).toBe(403);
    expect((await download(doc.id, {})).statusCode).toBe(401);
    expect((await hub.accessEvents(personalId)).length).toBe(before);

    const own = await download(doc.id, await bearer(AGENCIES.portal, 'citizen-portal', personalId));
    expect([own.statusCode, own.rawPayload.equals(PDF)]).toEqual([200, true]);
    const inspected = await download(doc.id, await bearer(AGENCIES.inspector, 'inspector'));
    expect(inspected.statusCode).toBe(200);
    const recorded = (await hub.accessEvents(personalId)).slice(before);
    expect(recorded.map((e) => (e.data as { caller: { role: string } }).caller.role)).toEqual([
      'citizen-portal',
      'inspector',
    ]);
  });

  it('never serves a tampered or missing blob: DOCUMENT_INTEGRITY_FAILED, logged and counted', async () => {
    const doc = (await upload(PDF, { query: 'dossier=HS-2026-000125&component=to-khai' })).json();
    const file = blobPath(doc.blobHash);
    const original = fs.readFileSync(file);
    const tampered = Buffer.from(original);
    tampered[tampered.length - 3]! ^= 0x20;
    fs.writeFileSync(file, tampered);
    const before = (await hub.accessEvents(personalId)).length;

    await expect(hub.app.documents.read(doc.id)).rejects.toSatisfy(
      (e) => e instanceof DocumentIntegrityError && e.reason === 'blob-hash-mismatch',
    );
    const refused = await download(doc.id, await bearer(AGENCIES.baDinh, 'consumer'));
    expect(refused.statusCode).toBe(500);
    expect(refused.json()).toMatchObject({
      code: 'DOCUMENT_INTEGRITY_FAILED',
      details: { documentId: doc.id, reason: 'blob-hash-mismatch' },
    });
    expect(refused.rawPayload.includes(tampered)).toBe(false);

    fs.rmSync(file);
    const missing = await download(doc.id, await bearer(AGENCIES.baDinh, 'consumer'));
    expect(missing.json().details.reason).toBe('blob-missing');
    expect((await hub.accessEvents(personalId)).length).toBe(before);

    const metrics = (await hub.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/lienthong_document_integrity_failures_total\{reason="blob-hash-mismatch"\} 2/);
    expect(metrics).toMatch(/lienthong_document_integrity_failures_total\{reason="blob-missing"\} 1/);

    // uploading the same paper again restores the blob
    expect((await upload(PDF, { query: 'dossier=HS-2026-000125&component=to-khai' })).statusCode).toBe(201);
    const restored = await download(doc.id, await bearer(AGENCIES.baDinh, 'consumer'));
    expect([restored.statusCode, restored.rawPayload.equals(PDF)]).toEqual([200, true]);
  });

  it('refuses uploads over the size limit, of types not allowed or not matching, naming the field', async () => {
    const streams = await documentStreams();
    const expectRefused = async (
      response: Awaited<ReturnType<typeof upload>>,
      status: number,
      body: object,
    ) => {
      expect(response.statusCode).toBe(status);
      expect(response.json()).toMatchObject(body);
    };
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    await expectRefused(await upload(Buffer.from('hello'), { type: 'text/plain' }), 415, {
      code: 'DOCUMENT_MEDIA_TYPE_NOT_ALLOWED',
      details: { mediaType: 'text/plain' },
    });
    await expectRefused(await upload(png, { type: '' }), 415, { code: 'DOCUMENT_MEDIA_TYPE_NOT_ALLOWED' });
    await expectRefused(await upload(png), 400, { code: 'DOCUMENT_MEDIA_TYPE_MISMATCH' });
    expect((await upload(png, { type: 'image/png' })).statusCode).toBe(201);
    await expectRefused(
      await upload(Buffer.from('<!DOCTYPE x [<!ENTITY a "b">]><x/>'), { type: 'application/xml' }),
      400,
      {
        code: 'DOCUMENT_MEDIA_TYPE_MISMATCH',
      },
    );
    await expectRefused(await upload(Buffer.from('{"a":'), { type: 'application/json' }), 400, {
      code: 'DOCUMENT_MEDIA_TYPE_MISMATCH',
    });
    const tooLarge = Buffer.concat([Buffer.from('%PDF-'), Buffer.alloc(20 * 1024 * 1024)]);
    await expectRefused(await upload(tooLarge), 413, {
      code: 'DOCUMENT_TOO_LARGE',
      details: { maxBytes: 20 * 1024 * 1024 },
    });
    await expectRefused(await upload(Buffer.alloc(0)), 400, { details: { field: 'content' } });
    await expectRefused(await upload(PDF, { query: 'component=x' }), 400, {
      code: 'DOCUMENT_INPUT_INVALID',
      details: { field: 'dossier' },
    });
    await expectRefused(await upload(PDF, { query: 'dossier=HS-1&component=a%20b' }), 400, {
      details: { field: 'componentCode' },
    });
    await expectRefused(await upload(PDF, { query: 'dossier=HS-1&component=a&pages=0' }), 400, {
      details: { field: 'pages' },
    });
    await expectRefused(await upload(PDF, { query: 'dossier=HS-1&component=a&resultType=passport' }), 400, {
      details: { field: 'resultType' },
    });
    await expectRefused(await upload(PDF, { headers: { 'x-subject-personal-id': '12345' } }), 400, {
      details: { field: 'x-subject-personal-id' },
    });
    const portal = await bearer(AGENCIES.portal, 'citizen-portal', personalId);
    await expectRefused(await upload(PDF, { headers: portal }), 400, { details: { field: 'certified' } });
    expect(await documentStreams()).toBe(streams + 1);
  });
});

describe('GraphQL document(id)', () => {
  it('answers metadata to those who may see it, never the content', async () => {
    const doc = (
      await upload(PDF, { query: 'dossier=HS-2026-000126&component=giay-khai-sinh&pages=3&certified=true' })
    ).json();
    const query = `query($id: ID!) { document(id: $id) { id kind status pages contentHash blobHash certifiedCopy
      digitisedBy { agency } signature { status } contentUrl } }`;
    const own = await hub.gql(await hub.token(AGENCIES.baDinh, 'consumer'), query, { id: doc.id });
    expect(own.data!.document).toEqual({
      id: doc.id,
      kind: 'DIGITISED',
      status: 'ACTIVE',
      pages: 3,
      contentHash: doc.contentHash,
      blobHash: doc.blobHash,
      certifiedCopy: true,
      digitisedBy: { agency: AGENCIES.baDinh },
      signature: { status: 'NOT_SIGNED' },
      contentUrl: `/documents/${doc.id}/content`,
    });
    const other = await hub.gql(await hub.token(AGENCIES.ngocHa, 'consumer'), query, { id: doc.id });
    expect(other.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const unknown = await hub.gql(await hub.token(AGENCIES.baDinh, 'consumer'), query, {
      id: '00000000-0000-4000-8000-000000000000',
    });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      hubCode: 'DOCUMENT_NOT_FOUND',
    });
  });
});
