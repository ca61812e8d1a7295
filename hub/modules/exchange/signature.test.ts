import { randomBytes, webcrypto } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../kernel/clock.js';
import {
  ExchangeCredentialsInvalidError,
  ExchangeEnvelopeUnsignableError,
  ExchangeSignatureInvalidError,
  type SignatureRefusal,
} from '../../kernel/errors/index.js';
import { tempDir } from '../../testing/temp.js';
import { parseEdxml } from './edxml/index.js';
import { sample, sampleNames } from './edxml/test-support.js';
import {
  type CertificateAuthority,
  ensureDemoCa,
  issueOrganCertificate,
  type OrganCredentials,
  type OrganKeyAlgorithm,
  readCertificate,
  type TrustAnchors,
  trustAnchorsFromPem,
} from './pki/index.js';
import { x509 } from './pki/x509.js';
import { signEnvelope, type VerifiedSignature, verifyEnvelope } from './signature.js';
import { parseXml } from './signed-parts.js';
import { serialize } from './xml-dom.js';

const NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
const MPS = '000.00.00.G08'; // Ministry of Public Security, sends with ECDSA P-256
const C06 = '000.06.00.G08'; // its population data centre, ECDSA P-256 too
const HANOI = '000.00.00.H26'; // Hanoi People's Committee, sends with RSA-2048
const NOW = new Date('2026-03-01T08:00:00Z');
/** The demo CAs exist from mid-2025 (valid from the day before) for twenty years. */
const caClock = fixedClock('2025-06-01T00:00:00Z');

const temp = tempDir('lt-signature-');
afterAll(() => temp.remove());

let ca: CertificateAuthority;
let anchors: TrustAnchors;
const credentials = new Map<string, OrganCredentials>();
const registry = new Map<string, string[]>();

const issue = (
  organCode: string,
  algorithm: OrganKeyAlgorithm = 'ECDSA-P256',
  from = '2026-01-01',
  until = '2028-01-01',
) =>
  issueOrganCertificate(ca, {
    organCode,
    name: `Organ ${organCode}`,
    algorithm,
    notBefore: new Date(from),
    notAfter: new Date(until),
  });

beforeAll(async () => {
  ca = await ensureDemoCa(path.join(temp.dir, 'demo-ca'), { clock: caClock });
  anchors = trustAnchorsFromPem(ca.certificatePem);
  credentials.set(MPS, await issue(MPS));
  credentials.set(C06, await issue(C06));
  credentials.set(HANOI, await issue(HANOI, 'RSA-2048'));
  for (const [organ, c] of credentials) registry.set(organ, [c.certificatePem]);
});

const own = (organCode: string) => credentials.get(organCode)!;
const verify = (xml: string, at = NOW): VerifiedSignature =>
  verifyEnvelope(xml, { trustAnchors: anchors, at, registeredCertificates: (o) => registry.get(o) ?? [] });

/** The reason verification gives, or `accepted`. */
function outcome(xml: string, at = NOW): SignatureRefusal | 'accepted' {
  try {
    verify(xml, at);
    return 'accepted';
  } catch (error) {
    if (error instanceof ExchangeSignatureInvalidError) return error.reason;
    throw error;
  }
}

/** A ~5 KB official dispatch from `from` to Hanoi, with one attachment. */
function dispatch(options: { from?: string; subject?: string; attachments?: boolean } = {}): string {
  const from = options.from ?? MPS;
  const attachment = Buffer.alloc(2600, 'Nội dung công văn số 123/BCA-C06. ').toString('base64');
  return `<?xml version="1.0" encoding="UTF-8"?>
<edXML:edXMLEnvelope xmlns:edXML="${NS}">
  <edXML:edXMLHeader>
    <edXML:MessageHeader>
      <edXML:From>
        <edXML:OrganId>${from}</edXML:OrganId>
        <edXML:OrganName>Bộ Công an</edXML:OrganName>
      </edXML:From>
      <edXML:To>
        <edXML:OrganId>${HANOI}</edXML:OrganId>
        <edXML:OrganName>Ủy ban nhân dân thành phố Hà Nội</edXML:OrganName>
      </edXML:To>
      <edXML:Code>
        <edXML:CodeNumber>123</edXML:CodeNumber>
        <edXML:CodeNotation>BCA-C06</edXML:CodeNotation>
      </edXML:Code>
      <edXML:PromulgationInfo>
        <edXML:Place>Hà Nội</edXML:Place>
        <edXML:PromulgationDate>2026/03/01</edXML:PromulgationDate>
      </edXML:PromulgationInfo>
      <edXML:Subject>${options.subject ?? 'Về việc phối hợp xác minh thông tin cư trú'}</edXML:Subject>
      <edXML:DocumentId>000.00.00.G08,2026/03/01,123/BCA-C06</edXML:DocumentId>
    </edXML:MessageHeader>
    <edXML:TraceHeaderList>
      <edXML:TraceHeader>
        <edXML:OrganId>${from}</edXML:OrganId>
        <edXML:Timestamp>2026/03/01 15:00:00</edXML:Timestamp>
      </edXML:TraceHeader>
      <edXML:Bussiness>
        <edXML:BussinessDocType>0</edXML:BussinessDocType>
        <edXML:Paper>0</edXML:Paper>
      </edXML:Bussiness>
    </edXML:TraceHeaderList>
  </edXML:edXMLHeader>
  <edXML:edXMLBody>
    <edXML:edXMLManifest version="1.0">
      <edXML:Reference>
        <edXML:ContentId>cid:cong-van-123</edXML:ContentId>
        <edXML:ContentType>application/pdf</edXML:ContentType>
        <edXML:AttachmentName>cong-van-123.pdf</edXML:AttachmentName>
      </edXML:Reference>
    </edXML:edXMLManifest>
  </edXML:edXMLBody>${
    options.attachments === false
      ? ''
      : `
  <edXML:AttachmentEncoded>
    <edXML:Attachment>
      <edXML:ContentId>cid:cong-van-123</edXML:ContentId>
      <edXML:ContentTransferEncoded>${attachment}</edXML:ContentTransferEncoded>
    </edXML:Attachment>
  </edXML:AttachmentEncoded>`
  }
</edXML:edXMLEnvelope>`;
}

/** Hanoi's status 02 (rejected) about MPS's dispatch: names MPS in ResponseFor, Hanoi in From. */
const rejection = `<edXML:edXMLEnvelope xmlns:edXML="${NS}">
  <edXML:edXMLHeader>
    <edXML:Status>
      <edXML:ResponseFor>
        <edXML:OrganId>${MPS}</edXML:OrganId>
        <edXML:Code>123/BCA-C06</edXML:Code>
        <edXML:PromulgationDate>2026/03/01</edXML:PromulgationDate>
        <edXML:DocumentId>000.00.00.G08,2026/03/01,123/BCA-C06</edXML:DocumentId>
      </edXML:ResponseFor>
      <edXML:From>
        <edXML:OrganId>${HANOI}</edXML:OrganId>
        <edXML:OrganName>Ủy ban nhân dân thành phố Hà Nội</edXML:OrganName>
      </edXML:From>
      <edXML:StatusCode>02</edXML:StatusCode>
      <edXML:Description>Từ chối tiếp nhận</edXML:Description>
      <edXML:Timestamp>2026/03/01 15:05:00</edXML:Timestamp>
    </edXML:Status>
  </edXML:edXMLHeader>
</edXML:edXMLEnvelope>`;

const signedHeaderOf = (xml: string) =>
  /<edXML:MessageHeader Id=[\s\S]*?<\/edXML:MessageHeader>/.exec(xml)![0];
const forgedHeader = `<edXML:MessageHeader><edXML:From><edXML:OrganId>${MPS}</edXML:OrganId></edXML:From><edXML:Subject>Chuyển tiền gấp</edXML:Subject></edXML:MessageHeader>`;
const traceAt = (xml: string, inserted: string) =>
  xml.replace('<edXML:TraceHeaderList>', `<edXML:TraceHeaderList>${inserted}`);

describe('signEnvelope and verifyEnvelope', () => {
  it('sign with ECDSA P-256: the header, business part, body and attachments covered by Id, not the trace', () => {
    const signed = signEnvelope(dispatch(), own(MPS));
    expect(verify(signed)).toEqual({
      organCode: MPS,
      certificateSha256: readCertificate(own(MPS).certificatePem)!.sha256,
      notAfter: '2028-01-01T00:00:00.000Z',
      algorithm: 'ECDSA-P256-SHA256',
    });
    const doc = parseXml(signed)!;
    const header = Array.from(doc.documentElement!.childNodes).find((n) => n.localName === 'edXMLHeader')!;
    const last = Array.from(header.childNodes)
      .filter((n) => n.nodeType === 1)
      .at(-1)!;
    expect([last.localName, last.namespaceURI]).toEqual(['Signature', 'http://www.w3.org/2000/09/xmldsig#']);
    const uris = [...signed.matchAll(/<Reference URI="#([^"]+)"/g)].map((m) => m[1]);
    expect(uris.map((id) => new RegExp(`<edXML:(\\w+) Id="${id}"`).exec(signed)?.[1])).toEqual([
      'MessageHeader',
      'Bussiness',
      'edXMLBody',
      'AttachmentEncoded',
    ]);
    expect(signed).toContain('Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"');
    expect(signed).toContain('<Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>');
    expect(signed).toContain('<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>');
    const value = /<SignatureValue>([^<]+)</.exec(signed)![1]!;
    expect(Buffer.from(value, 'base64')).toHaveLength(64); // r||s, not DER
  });

  it('sign with RSA-SHA256, and a status envelope names its sender in From, not in ResponseFor', () => {
    const signed = signEnvelope(dispatch({ from: HANOI }), own(HANOI));
    expect(verify(signed)).toMatchObject({ organCode: HANOI, algorithm: 'RSA-SHA256' });
    expect(signed).toContain('Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"');
    const status = signEnvelope(rejection, own(HANOI));
    expect(status).toMatch(/<edXML:Status Id="[^"]+"/);
    expect(verify(status).organCode).toBe(HANOI);
  });

  it('still verifies after another hub appends its trace entry, or re-serializes the envelope', () => {
    const signed = signEnvelope(dispatch(), own(MPS));
    const hop = `<edXML:TraceHeader><edXML:OrganId>000.00.00.G17</edXML:OrganId><edXML:Timestamp>2026/03/01 15:00:02</edXML:Timestamp></edXML:TraceHeader>`;
    const relayed = signed.replace('</edXML:TraceHeaderList>', `${hop}</edXML:TraceHeaderList>`);
    expect(outcome(relayed)).toBe('accepted');
    expect(outcome(serialize(parseXml(relayed)!))).toBe('accepted');
  });

  it('refuses a one-byte change in the subject, the business part or an attachment as tampered', () => {
    const signed = signEnvelope(dispatch(), own(MPS));
    expect(outcome(signed.replace('xác minh', 'xác mình'))).toBe('digest-mismatch');
    const revoke = signed.replace('<edXML:BussinessDocType>0<', '<edXML:BussinessDocType>1<');
    expect(outcome(revoke)).toBe('digest-mismatch');
    const encoded = /<edXML:ContentTransferEncoded>(.)/.exec(signed)!;
    const flipped = encoded[1] === 'A' ? 'B' : 'A';
    const attachment = signed.replace(encoded[0], `<edXML:ContentTransferEncoded>${flipped}`);
    expect(outcome(attachment)).toBe('digest-mismatch');
  });

  it('refuses an envelope whose signature was removed, or never there', () => {
    const signed = signEnvelope(dispatch(), own(MPS));
    expect(outcome(signed.replace(/<Signature [\s\S]*<\/Signature>/, ''))).toBe('unsigned');
    expect(outcome(dispatch())).toBe('unsigned');
  });

  it("refuses a signature by another organ's key, with its own certificate or with the sender's", () => {
    const byC06 = signEnvelope(dispatch({ from: MPS }), own(C06));
    expect(outcome(byC06)).toBe('signer-not-sender');
    const der = (pem: string) => readCertificate(pem)!.node.raw.toString('base64');
    const disguised = byC06.replace(der(own(C06).certificatePem), der(own(MPS).certificatePem));
    expect(outcome(disguised)).toBe('bad-signature');
  });

  it('refuses a self-signed certificate, and one of a CA that is not a trust anchor', async () => {
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = (await webcrypto.subtle.generateKey(alg, true, [
      'sign',
      'verify',
    ])) as webcrypto.CryptoKeyPair;
    const selfSigned = await x509.X509CertificateGenerator.createSelfSigned(
      {
        name: [{ CN: ['Bộ Công an'] }, { '2.5.4.5': [MPS] }],
        keys,
        signingAlgorithm: alg,
        notBefore: new Date('2026-01-01'),
        notAfter: new Date('2028-01-01'),
        extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
      },
      webcrypto as never,
    );
    const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
    const forged = {
      privateKeyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'),
      certificatePem: selfSigned.toString('pem'),
    };
    registry.set(MPS, [own(MPS).certificatePem, forged.certificatePem]);
    expect(outcome(signEnvelope(dispatch(), forged))).toBe('untrusted-certificate');

    const rogue = await ensureDemoCa(path.join(temp.dir, 'rogue-ca'), { clock: caClock });
    const fromRogue = await issueOrganCertificate(rogue, {
      organCode: MPS,
      name: 'Bộ Công an',
      algorithm: 'ECDSA-P256',
      notBefore: new Date('2026-01-01'),
      notAfter: new Date('2028-01-01'),
    });
    registry.set(MPS, [own(MPS).certificatePem, fromRogue.certificatePem]);
    expect(outcome(signEnvelope(dispatch(), fromRogue))).toBe('untrusted-certificate');
    registry.set(MPS, [own(MPS).certificatePem]);
  });

  it('refuses a certificate outside its validity at the instant of receipt', async () => {
    const expired = await issue(MPS, 'ECDSA-P256', '2024-01-01', '2025-01-01');
    registry.set(MPS, [own(MPS).certificatePem, expired.certificatePem]);
    expect(outcome(signEnvelope(dispatch(), expired))).toBe('certificate-expired');
    const signed = signEnvelope(dispatch(), own(MPS));
    expect(outcome(signed, new Date('2025-12-31T00:00:00Z'))).toBe('certificate-not-yet-valid');
    registry.set(MPS, [own(MPS).certificatePem]);
  });

  it('refuses a certificate the sender has not registered; registering it (rotation) lets it in', async () => {
    const next = await issue(MPS);
    const signed = signEnvelope(dispatch(), next);
    expect(outcome(signed)).toBe('certificate-not-registered');
    registry.set(MPS, [own(MPS).certificatePem, next.certificatePem]);
    expect(outcome(signed)).toBe('accepted');
    registry.set(MPS, [own(MPS).certificatePem]);
  });

  it('refuses wrapping: a second header, the signed header moved away, a duplicate Id', () => {
    const signed = signEnvelope(dispatch(), own(MPS));
    const header = signedHeaderOf(signed);
    expect(outcome(traceAt(signed, forgedHeader))).toBe('wrapping');
    const noNamespace = `<MessageHeader xmlns=""><From><OrganId>${MPS}</OrganId></From></MessageHeader>`;
    expect(outcome(traceAt(signed, noNamespace))).toBe('wrapping');
    const hidden = traceAt(signed.replace(header, forgedHeader), `<edXML:Hidden>${header}</edXML:Hidden>`);
    expect(outcome(hidden)).toBe('wrapping');
    expect(outcome(traceAt(signed.replace(header, ''), header))).toBe('wrapping');
    const otherNamespace = forgedHeader.replace(
      '<edXML:MessageHeader>',
      '<edXML:MessageHeader xmlns:edXML="urn:x">',
    );
    expect(outcome(traceAt(signed.replace(header, otherNamespace), header))).toBe('wrapping');
    const id = /<edXML:MessageHeader Id="([^"]+)"/.exec(signed)![1];
    expect(outcome(traceAt(signed, `<edXML:Note Id="${id}"/>`))).toBe('wrapping');
    expect(outcome(signed.replace(/(<Signature [\s\S]*<\/Signature>)/, '$1$1'))).toBe('wrapping');
  });

  it('refuses a signature that leaves a part uncovered', () => {
    const withoutAttachments = signEnvelope(dispatch({ attachments: false }), own(MPS));
    expect(outcome(withoutAttachments)).toBe('accepted');
    const smuggled = withoutAttachments.replace(
      '</edXML:edXMLEnvelope>',
      '<edXML:AttachmentEncoded><edXML:Attachment/></edXML:AttachmentEncoded></edXML:edXMLEnvelope>',
    );
    expect(outcome(smuggled)).toBe('references-incomplete');
    const signed = signEnvelope(dispatch(), own(MPS));
    const bodyReference = /<Reference URI="#edXMLBody[\s\S]*?<\/Reference>/.exec(signed)![0];
    expect(outcome(signed.replace(bodyReference, ''))).toBe('references-incomplete');
  });

  it('refuses another signature method than the key’s, and what is not plain XML', () => {
    const signed = signEnvelope(dispatch(), own(MPS));
    expect(outcome(signed.replace('xmldsig-more#ecdsa-sha256', 'xmldsig-more#rsa-sha256'))).toBe(
      'bad-signature',
    );
    expect(outcome(signed.replace('xmldsig-more#ecdsa-sha256', 'xmldsig#hmac-sha1'))).toBe('bad-signature');
    const doctype = `<!DOCTYPE x [<!ENTITY s "${MPS}">]>`;
    expect(outcome(signed.replace('<?xml version="1.0" encoding="UTF-8"?>', doctype))).toBe('malformed');
    expect(outcome(signed.slice(0, -10))).toBe('malformed');
  });

  it('will not sign twice, without a header, or with a key and a certificate that are not a pair', () => {
    const signed = signEnvelope(dispatch(), own(MPS));
    expect(() => signEnvelope(signed, own(MPS))).toThrow(ExchangeEnvelopeUnsignableError);
    expect(() => signEnvelope(`<edXML:edXMLEnvelope xmlns:edXML="${NS}"/>`, own(MPS))).toThrow(
      ExchangeEnvelopeUnsignableError,
    );
    const mixed = { privateKeyPem: own(C06).privateKeyPem, certificatePem: own(MPS).certificatePem };
    expect(() => signEnvelope(dispatch(), mixed)).toThrow(ExchangeCredentialsInvalidError);
    const garbage = { ...own(MPS), privateKeyPem: randomBytes(32).toString('base64') };
    expect(() => signEnvelope(dispatch(), garbage)).toThrow(ExchangeCredentialsInvalidError);
  });

  it('signs every sample of the codec so that it verifies, and the codec reads it as before, signed', async () => {
    for (const name of sampleNames()) {
      const xml = sample(name).toString('utf8');
      const before = parseEdxml(xml);
      const from = before.kind === 'document' ? before.document.messageHeader.from : before.status.from;
      if (!credentials.has(from.organId)) {
        credentials.set(from.organId, await issue(from.organId));
        registry.set(from.organId, [own(from.organId).certificatePem]);
      }
      const signed = signEnvelope(xml, own(from.organId));
      expect(verify(signed).organCode, name).toBe(from.organId);
      expect(parseEdxml(signed), name).toEqual({ ...before, signed: true });
    }
  });
});
