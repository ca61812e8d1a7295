import { describe, expect, it } from 'vitest';
import { EDXML_NS, parseEdxml } from './index.js';
import { between, DS, edit, NEW, refusal, SDK, STATUS } from './test-support.js';

describe('well-formed but not edXML', () => {
  const header = (xml: string, extra: string) =>
    edit(xml, '</edXML:edXMLHeader>', `${extra}</edXML:edXMLHeader>`);
  const messageHeader = between(NEW, '<edXML:MessageHeader>', '<edXML:TraceHeaderList>');
  const status = between(STATUS, '<edXML:Status>', '<edXML:TraceHeaderList>');
  const body = between(NEW, '<edXML:edXMLBody>', '<edXML:AttachmentEncoded>');
  const sdkAttachments = between(SDK, '<AttachmentEncoded>', '</edXML>');
  const business =
    '<edXML:TraceHeaderList><edXML:Bussiness><edXML:BussinessDocType>0</edXML:BussinessDocType></edXML:Bussiness></edXML:TraceHeaderList>';
  const beforeSubject = (xml: string) => edit(NEW, '<edXML:Subject>', `${xml}<edXML:Subject>`);

  it.each([
    // duplicates of what may occur once (signature wrapping)
    ['a second MessageHeader', header(NEW, messageHeader), 'duplicate-element', '/messageHeader'],
    ['a second Status', header(STATUS, status), 'duplicate-element', ''],
    [
      'a second edXMLBody',
      edit(NEW, '<edXML:AttachmentEncoded>', `${body}<edXML:AttachmentEncoded>`),
      'duplicate-element',
      '',
    ],
    [
      'a second edXMLManifest',
      edit(NEW, '</edXML:edXMLBody>', '<edXML:edXMLManifest/></edXML:edXMLBody>'),
      'duplicate-element',
      '/manifest',
    ],
    [
      'a second DocumentId',
      beforeSubject('<edXML:DocumentId>x</edXML:DocumentId>'),
      'duplicate-element',
      '/messageHeader/documentId',
    ],
    ['a second TraceHeaderList', header(NEW, '<edXML:TraceHeaderList/>'), 'duplicate-element', ''],
    [
      'a second ds:Signature',
      header(NEW, `<ds:Signature ${DS}/><ds:Signature ${DS}/>`),
      'duplicate-element',
      '',
    ],
    [
      'attachments inside and beside the envelope',
      edit(SDK, '</edXML:edXMLEnvelope>', `${sdkAttachments}</edXML:edXMLEnvelope>`),
      'duplicate-element',
      '/attachments',
    ],
    // what the header holds
    ['MessageHeader and Status', header(NEW, status), 'header-and-status', ''],
    ['neither MessageHeader nor Status', edit(STATUS, status, ''), 'no-header', ''],
    [
      'a status with a business part',
      edit(STATUS, /<edXML:TraceHeaderList>[\s\S]*<\/edXML:TraceHeaderList>/, business),
      'status-with-content',
      '',
    ],
    [
      'a status with attachments',
      edit(
        STATUS,
        '</edXML:edXMLEnvelope>',
        `${between(NEW, '<edXML:edXMLBody>', '</edXML:edXMLEnvelope>')}</edXML:edXMLEnvelope>`,
      ),
      'status-with-content',
      '',
    ],
    // elements edXML does not have there
    [
      'an element of the edXML namespace it does not have',
      beforeSubject('<edXML:DigitalSignature/>'),
      'unknown-element',
      '/messageHeader',
    ],
    [
      'an element of another namespace',
      beforeSubject('<x:Note xmlns:x="urn:x">a</x:Note>'),
      'unknown-element',
      '/messageHeader',
    ],
    [
      'a signature outside the header',
      beforeSubject(`<ds:Signature ${DS}/>`),
      'unknown-element',
      '/messageHeader',
    ],
    [
      'an element inside a value',
      edit(NEW, '<edXML:Subject>Về', '<edXML:Subject><edXML:B>Về</edXML:B>'),
      'unknown-element',
      '/messageHeader/subject',
    ],
    [
      'another item in a list',
      edit(NEW, '<edXML:Place>Như trên', '<edXML:Appendix>Như trên'),
      'unknown-element',
      '/messageHeader/toPlaces',
    ],
    [
      'a MessageHeader as document element',
      `<edXML:MessageHeader xmlns:edXML="${EDXML_NS}"/>`,
      'not-edxml',
      '',
    ],
    ['a document element in no namespace', '<edXMLEnvelope><edXMLHeader/></edXMLEnvelope>', 'not-edxml', ''],
    ['text where only elements belong', beforeSubject('chữ lạc'), 'unexpected-text', '/messageHeader'],
    // values the schema refuses, by the field's path
    [
      'a priority that is not a number',
      edit(NEW, '<edXML:Priority>1<', '<edXML:Priority>khẩn<'),
      'schema',
      '/messageHeader/otherInfo/priority',
    ],
    [
      'a day that does not exist',
      edit(NEW, '2025/03/14 09:15:02', '2025/02/30 09:15:02'),
      'schema',
      '/traceHeaders/1/timestamp',
    ],
    [
      'an empty subject',
      edit(NEW, /<edXML:Subject>[^<]*<\/edXML:Subject>/, '<edXML:Subject/>'),
      'schema',
      '/messageHeader/subject',
    ],
    [
      'an unknown status code',
      edit(STATUS, '<edXML:StatusCode>01<', '<edXML:StatusCode>07<'),
      'schema',
      '/statusCode',
    ],
    [
      'an organ code longer than the exchange records',
      edit(
        NEW,
        '<edXML:OrganId>000.22.00.H26</edXML:OrganId>',
        `<edXML:OrganId>${'0'.repeat(41)}</edXML:OrganId>`,
      ),
      'schema',
      '/messageHeader/to/1/organId',
    ],
    [
      'a security level past 3',
      edit(NEW, '<edXML:SecurityLevel>0<', '<edXML:SecurityLevel>4<'),
      'schema',
      '/messageHeader/otherInfo/securityLevel',
    ],
  ])('%s', (_, xml, reason, path) => {
    expect(refusal(xml)).toMatchObject({ code: 'EXCHANGE_ENVELOPE_INVALID', status: 422, reason, path });
  });

  it('names the element at fault by its XML path', () => {
    expect(refusal(beforeSubject('<edXML:DigitalSignature/>'))).toMatchObject({
      element: 'edXMLEnvelope/edXMLHeader/MessageHeader/DigitalSignature',
    });
  });
});

describe('attachments checked against the manifest', () => {
  const refused = (xml: string, code: string, reason: string) =>
    expect(refusal(xml)).toMatchObject({ code, reason });

  it('a digest or size that does not match', () => {
    const digest = edit(NEW, '>7183831a9e', '>0183831a9e');
    refused(digest, 'EXCHANGE_ATTACHMENT_HASH_MISMATCH', 'attachment-hash-mismatch');
    refused(
      edit(NEW, '<edXML:Size>138<', '<edXML:Size>139<'),
      'EXCHANGE_ATTACHMENT_SIZE_MISMATCH',
      'attachment-size-mismatch',
    );
    refused(
      edit(NEW, 'u4dwIMSRw61uaCBrw6htKS4K', 'u4dwIMSRw61uaCBrw6htKS4L'),
      'EXCHANGE_ATTACHMENT_HASH_MISMATCH',
      'attachment-hash-mismatch',
    );
  });

  it('content that is not base64, missing, unreferenced, or at odds with its reference', () => {
    const invalid = 'EXCHANGE_ENVELOPE_INVALID';
    refused(
      edit(NEW, 'u4dwIMSRw61uaCBrw6htKS4K', 'u4dwIMSRw61uaCBrw6htKS4*'),
      invalid,
      'attachment-not-base64',
    );
    refused(
      edit(
        NEW,
        '<edXML:ContentId>ke-hoach-2025</edXML:ContentId>\n      <edXML:ContentTransferEncoded>',
        '<edXML:ContentId>khac</edXML:ContentId>\n      <edXML:ContentTransferEncoded>',
      ),
      invalid,
      'attachment-missing',
    );
    const byReference = edit(
      NEW,
      '<edXML:ContentId>ke-hoach-2025</edXML:ContentId>\n      <edXML:Content',
      '<edXML:ContentId>ban-scan-ho-so</edXML:ContentId>\n      <edXML:Content',
    );
    refused(byReference, invalid, 'attachment-missing');
    refused(
      edit(
        SDK,
        '<AttachmentName>huong-dan.pdf</AttachmentName>',
        '<AttachmentName>khac.pdf</AttachmentName>',
      ),
      invalid,
      'attachment-mismatch',
    );
    const second = edit(
      NEW,
      '<edXML:ContentId>ban-scan-ho-so</edXML:ContentId>',
      '<edXML:ContentId>ke-hoach-2025</edXML:ContentId>',
    );
    refused(second, invalid, 'reference-duplicate');
  });
});

describe('a signature in the header', () => {
  it('is left to the signature layer: whatever it holds is skipped, and the envelope says it is signed', () => {
    const signature = `<ds:Signature ${DS}><ds:SignedInfo><ds:Reference URI=""/></ds:SignedInfo><ds:SignatureValue>AAAA</ds:SignatureValue><edXML:MessageHeader/></ds:Signature>`;
    const parsed = parseEdxml(edit(NEW, '</edXML:edXMLHeader>', `${signature}</edXML:edXMLHeader>`));
    expect(parsed).toMatchObject({ kind: 'document', signed: true });
  });
});
