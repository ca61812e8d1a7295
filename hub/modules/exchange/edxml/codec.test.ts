import { describe, expect, it } from 'vitest';
import {
  ExchangeAttachmentHashMismatchError,
  ExchangeAttachmentSizeMismatchError,
  ExchangeEnvelopeInvalidError,
} from '../../../kernel/errors/index.js';
import {
  attachmentDigest,
  buildDocumentEnvelope,
  buildStatusEnvelope,
  type EdxmlDocumentEnvelope,
  type EdxmlStatusEnvelope,
  parseEdxml,
  verifyReferencedAttachment,
} from './index.js';
import { rebuild, sample, sampleNames, thrown } from './test-support.js';

const samples = sampleNames();

function document(name: string) {
  const parsed = parseEdxml(sample(name));
  if (parsed.kind !== 'document') throw new Error(`${name} is not a document envelope`);
  return parsed;
}
function status(name: string): EdxmlStatusEnvelope {
  const parsed = parseEdxml(sample(name));
  if (parsed.kind !== 'status') throw new Error(`${name} is not a status envelope`);
  return parsed.status;
}

describe('round trip over the samples', () => {
  it.each(samples)(
    '%s: parse → build → parse keeps the internal form, build → parse → build the bytes',
    (name) => {
      const first = parseEdxml(sample(name));
      const built = rebuild(first);
      const second = parseEdxml(built);
      expect(second).toStrictEqual(first);
      expect(rebuild(second)).toBe(built);
    },
  );

  it('cover every business type and every status code', () => {
    const parsed = samples.map((name) => parseEdxml(sample(name)));
    const types = parsed.flatMap((p) => (p.kind === 'document' ? [p.document.business.businessDocType] : []));
    const codes = parsed.flatMap((p) => (p.kind === 'status' ? [p.status.statusCode] : []));
    expect(new Set(types)).toEqual(new Set([0, 1, 2, 3]));
    expect(codes.sort()).toEqual(['01', '02', '03', '04', '05', '06', '13', '15', '16']);
  });
});

describe('reading', () => {
  it('reads a new document: organs, dates in Vietnam time, the inline and the by-reference attachment', () => {
    const { document: doc, attachments, signed } = document('document-new.xml');
    expect(doc.messageHeader.to.map((o) => o.organId)).toEqual(['000.00.00.H26', '000.22.00.H26']);
    expect(doc.messageHeader.promulgationInfo).toEqual({ place: 'Hà Nội', promulgationDate: '2025-03-14' });
    expect(doc.messageHeader.otherInfo).toMatchObject({ priority: 1, pageAmount: 2, securityLevel: 0 });
    expect(doc.traceHeaders).toEqual([
      { organId: '000.04.01.H26', timestamp: '2025-03-14T09:15:00+07:00' },
      { organId: '001.00.00.H26', timestamp: '2025-03-14T09:15:02+07:00' },
    ]);
    expect(doc.manifest[1]).toMatchObject({ uri: expect.stringMatching(/^https:/), confidential: true });
    expect(attachments.map((a) => a.contentId)).toEqual(['ke-hoach-2025']);
    expect(attachments[0]!.bytes.toString('utf8')).toContain('Kế hoạch triển khai chuyển đổi số năm 2025');
    expect(signed).toBe(false);
  });

  it('reads the dates other vendors write (DD/MM/YYYY, ISO with a zone) into the one internal form', () => {
    const revoke = document('document-revoke.xml').document;
    expect(revoke.messageHeader.promulgationInfo.promulgationDate).toBe('2025-03-14');
    expect(revoke.traceHeaders[0]!.timestamp).toBe('2025-03-16T09:00:00+07:00');
    expect(revoke.business).toMatchObject({
      businessDocType: 1,
      documentId: revoke.messageHeader.documentId,
    });
    expect(status('status-03.xml').timestamp).toBe('2025-03-14T10:05:00+07:00');
  });

  it('reads updates, replacements and replies', () => {
    expect(document('document-update.xml').document.business.businessDocumentInfo).toEqual({
      documentInfo: 0,
      documentReceiver: 1,
      receiverList: [{ receiverType: 1, organId: '000.21.01.H26' }],
    });
    expect(document('document-replace.xml').document.business.replacementInfoList).toEqual([
      {
        documentId: '000.00.00.H26,2025/03/20,198/QĐ-UBND',
        organIdList: ['000.04.01.H26', '001.00.00.H26'],
      },
    ]);
    const reply = document('document-reply.xml').document.messageHeader;
    expect(reply.responseFor?.map((r) => r.code)).toEqual(['15/TTr-UBND', '9/BC-UBND']);
  });

  it('keeps Vietnamese text as written: any prefix, entities, CDATA, decomposed characters', () => {
    const { messageHeader } = document('document-vietnamese.xml').document;
    expect(messageHeader.code.codeNotation).toBe('BHXH-QLT&TN');
    expect(messageHeader.content).toContain('Nghị định số 45/2020/NĐ-CP'.normalize('NFD'));
    expect(messageHeader.content).not.toContain('Nghị định số 45/2020/NĐ-CP'.normalize('NFC'));
    expect(messageHeader.content).toContain('<đúng hạn> & đầy đủ');
    expect(messageHeader.content).toContain('(mẫu số 01 & 02 kèm theo).\nTrân trọng./.');
    expect(messageHeader.otherInfo.appendixes).toHaveLength(2);
  });

  it('reads the national SDK form: wrapper, cid: ContentId, empty elements, no size or digest', () => {
    const { document: doc, attachments } = document('document-sdk-form.xml');
    const bytes = Buffer.from('%PDF-1.4\n% sample\n');
    expect(doc.manifest[0]).toEqual({
      contentId: 'cid:6f1c2d3e-0b7a-4c55-9d1e-2a3b4c5d6e7f',
      contentType: 'application/pdf',
      attachmentName: 'huong-dan.pdf',
      description: 'File dinh kem 1',
      ...attachmentDigest(bytes),
    });
    expect(attachments).toEqual([{ contentId: doc.manifest[0]!.contentId, bytes }]);
    expect(doc.messageHeader.from).toEqual({
      organId: '000.00.00.G09',
      organizationInCharge: 'Bộ Tư pháp',
      organName: 'Bộ Tư pháp',
    });
    expect(doc.messageHeader.otherInfo.appendixes).toBeUndefined();
    expect(doc.business.staffInfo).toEqual({ department: 'N/A', staff: 'Hoàng Văn Sơn' });
  });
});

describe('building', () => {
  const envelope = document('document-new.xml');

  it('writes the wire forms: declaration, prefix edXML, YYYY/MM/DD dates, the SHA-256 identifier', () => {
    const xml = buildDocumentEnvelope(envelope.document, envelope.attachments);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<edXML:edXMLEnvelope xmlns:edXML=')).toBe(
      true,
    );
    expect(xml).toContain('<edXML:PromulgationDate>2025/03/14</edXML:PromulgationDate>');
    expect(xml).toContain('<edXML:Timestamp>2025/03/14 09:15:00</edXML:Timestamp>');
    expect(xml).toContain('<edXML:DigestMethod>http://www.w3.org/2001/04/xmlenc#sha256</edXML:DigestMethod>');
    expect(buildStatusEnvelope(status('status-02.xml'))).not.toContain('edXMLBody');
  });

  it('gives back, read again, the internal form it was built from, attachments paired with or without cid:', () => {
    const bytes = Buffer.from('Biên bản họp');
    const built: EdxmlDocumentEnvelope = {
      ...envelope.document,
      manifest: [
        {
          contentId: 'cid:bien-ban',
          contentType: 'text/plain',
          attachmentName: 'bien-ban.txt',
          ...attachmentDigest(bytes),
        },
      ],
    };
    const parsed = parseEdxml(buildDocumentEnvelope(built, [{ contentId: 'bien-ban', bytes }]));
    expect(parsed).toStrictEqual({
      kind: 'document',
      document: built,
      attachments: [{ contentId: 'cid:bien-ban', bytes }],
      signed: false,
    });
  });

  it('refuses an internal form the schema refuses, naming the field', () => {
    const wrong = (patch: (d: EdxmlDocumentEnvelope) => void) => {
      const doc = structuredClone(envelope.document);
      patch(doc);
      return thrown(() => buildDocumentEnvelope(doc, envelope.attachments));
    };
    const at = (path: string) => ({ code: 'EXCHANGE_ENVELOPE_INVALID', reason: 'schema', path });
    const priority = wrong((d) => (d.messageHeader.otherInfo.priority = 7));
    expect(priority).toMatchObject(at('/messageHeader/otherInfo/priority'));
    expect(wrong((d) => (d.messageHeader.subject = ''))).toMatchObject(at('/messageHeader/subject'));
    const carriageReturn = wrong((d) => (d.messageHeader.to[1]!.organName = 'a\r\nb'));
    expect(carriageReturn).toMatchObject(at('/messageHeader/to/1/organName'));
    const utc = wrong((d) => (d.traceHeaders[0]!.timestamp = '2025-03-14T02:15:00Z'));
    expect(utc).toMatchObject(at('/traceHeaders/0/timestamp'));
    expect(wrong((d) => Object.assign(d.business, { extra: 1 }))).toMatchObject(at('/business/extra'));
    expect(wrong((d) => (d.messageHeader.toPlaces = []))).toMatchObject(at('/messageHeader/toPlaces'));
    expect(
      wrong((d) => delete (d.messageHeader as Partial<typeof d.messageHeader>).documentId),
    ).toMatchObject(at('/messageHeader/documentId'));
    const code = thrown(() => buildStatusEnvelope({ ...status('status-01.xml'), statusCode: '07' as '01' }));
    expect(code).toMatchObject(at('/statusCode'));
  });

  it('needs the bytes of every inline reference, and only those, as the manifest names them', () => {
    const { document: doc } = envelope;
    const [inline] = envelope.attachments;
    expect(thrown(() => buildDocumentEnvelope(doc))).toMatchObject({
      reason: 'attachment-missing',
      path: '/manifest/0',
    });
    const extra = { contentId: 'ban-scan-ho-so', bytes: Buffer.from('by reference') };
    expect(thrown(() => buildDocumentEnvelope(doc, [inline!, extra]))).toMatchObject({
      reason: 'attachment-unreferenced',
      path: '/manifest/1/uri',
    });
    const other = Buffer.from(inline!.bytes);
    other[0] = other[0]! ^ 1;
    expect(() => buildDocumentEnvelope(doc, [{ ...inline!, bytes: other }])).toThrow(
      ExchangeAttachmentHashMismatchError,
    );
    const shorter = inline!.bytes.subarray(1);
    expect(() => buildDocumentEnvelope(doc, [{ ...inline!, bytes: shorter }])).toThrow(
      ExchangeAttachmentSizeMismatchError,
    );
    expect(thrown(() => buildDocumentEnvelope(doc, [inline!, inline!]))).toMatchObject({
      reason: 'attachment-duplicate',
    });
    expect(thrown(() => buildDocumentEnvelope(doc, []))).toBeInstanceOf(ExchangeEnvelopeInvalidError);
  });
});

describe('attachment digests', () => {
  const bytes = Buffer.from('by reference');
  const reference = { contentId: 'ban-scan-ho-so', ...attachmentDigest(bytes) };

  it('are the size and lowercase hex SHA-256 of the bytes', () => {
    expect(attachmentDigest(bytes)).toEqual({
      size: 12,
      digestMethod: 'sha256',
      digestValue: 'b288a65caffdae325d9438f8816c0151f8af034256d0636e85a2e26e03d38818',
    });
  });

  it('check bytes fetched for a by-reference attachment', () => {
    expect(() => verifyReferencedAttachment(reference, bytes)).not.toThrow();
    expect(thrown(() => verifyReferencedAttachment(reference, Buffer.from('by reference!')))).toMatchObject({
      code: 'EXCHANGE_ATTACHMENT_SIZE_MISMATCH',
      expected: 12,
      actual: 13,
    });
    expect(thrown(() => verifyReferencedAttachment(reference, Buffer.from('by Reference')))).toMatchObject({
      code: 'EXCHANGE_ATTACHMENT_HASH_MISMATCH',
      reason: 'attachment-hash-mismatch',
      expected: reference.digestValue,
    });
  });
});
