import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../kernel/clock.js';
import {
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
  organCodeOf,
  pemCertificates,
  readCertificate,
  trustAnchorsFromPem,
} from './pki/index.js';
import { signEnvelope, type VerificationContext, verifyEnvelope } from './signature.js';
import { EXC_C14N, newSignedXml, SHA256 } from './signature-algorithms.js';
import { elementsOf, parseXml } from './signed-parts.js';

/**
 * The exchange signs and verifies without going through xml-crypto's SignedXml, but in its form:
 * what it signs, xml-crypto's own `checkSignature` accepts; what xml-crypto's `computeSignature`
 * signed (as the exchange signed before, and the envelopes kept in signature-fixtures/), it accepts.
 */

const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
const NOW = new Date('2026-03-01T08:00:00Z');
const FIXTURES = new URL('./signature-fixtures/', import.meta.url);
const fixture = (name: string) => fs.readFileSync(new URL(name, FIXTURES), 'utf8');

const temp = tempDir('lt-signature-interop-');
afterAll(() => temp.remove());

let ca: CertificateAuthority;
const credentials = new Map<string, OrganCredentials>();
const own = (organCode: string, algorithm: OrganKeyAlgorithm = 'ECDSA-P256') =>
  credentials.get(`${organCode} ${algorithm}`)!;

beforeAll(async () => {
  ca = await ensureDemoCa(path.join(temp.dir, 'demo-ca'), { clock: fixedClock('2025-06-01T00:00:00Z') });
  const organs = new Set(
    sampleNames().map((name) => {
      const parsed = parseEdxml(sample(name));
      return parsed.kind === 'document'
        ? parsed.document.messageHeader.from.organId
        : parsed.status.from.organId;
    }),
  );
  for (const name of sampleNames()) expect(senderOf(sample(name).toString('utf8'))).toBeOneOf([...organs]);
  for (const organCode of organs) {
    for (const algorithm of ['ECDSA-P256', 'RSA-2048'] as const) {
      const issued = await issueOrganCertificate(ca, {
        organCode,
        name: `Organ ${organCode}`,
        algorithm,
        notBefore: new Date('2026-01-01'),
        notAfter: new Date('2028-01-01'),
      });
      credentials.set(`${organCode} ${algorithm}`, issued);
    }
  }
});

const context = (): VerificationContext => ({
  trustAnchors: [ca.certificate],
  at: NOW,
  registeredCertificates: (organ) =>
    [...credentials].filter(([key]) => key.startsWith(`${organ} `)).map(([, c]) => c.certificatePem),
});

/** The reason verification gives, or `accepted`. */
function outcome(xml: string, verification = context()): SignatureRefusal | 'accepted' {
  try {
    verifyEnvelope(xml, verification);
    return 'accepted';
  } catch (error) {
    if (error instanceof ExchangeSignatureInvalidError) return error.reason;
    throw error;
  }
}

/** The sender's organ code: `From/OrganId` of the header (the first `From` of every envelope here). */
const senderOf = (xml: string) => /<(?:\w+:)?From>\s*<(?:\w+:)?OrganId>([^<]+)</.exec(xml)![1]!;

/** What xml-crypto's own checkSignature says of a signed envelope, with the signer's certificate. */
function xmlCryptoAccepts(signed: string, certificatePem: string): boolean {
  const verifier = newSignedXml();
  verifier.publicCert = certificatePem;
  verifier.loadSignature(/<Signature [\s\S]*<\/Signature>/.exec(signed)![0]);
  try {
    return verifier.checkSignature(signed);
  } catch {
    return false;
  }
}

/** Signs as the exchange signed before: xml-crypto's computeSignature, references found by XPath. */
function xmlCryptoSign(xml: string, signer: OrganCredentials, method: string): string {
  const header = `//*[local-name(.)='edXMLHeader' and namespace-uri(.)='${EDXML_NS}']`;
  const parts = ['MessageHeader', 'Status', 'Bussiness', 'edXMLBody', 'AttachmentEncoded'];
  let withIds = xml;
  for (const part of parts)
    withIds = withIds.replace(new RegExp(`<edXML:${part}([ >])`), `<edXML:${part} Id="${part}-old"$1`);
  const signedXml = newSignedXml();
  signedXml.privateKey = signer.privateKeyPem;
  signedXml.publicCert = signer.certificatePem;
  signedXml.signatureAlgorithm = method;
  for (const part of parts.filter((p) => withIds.includes(`Id="${p}-old"`)))
    signedXml.addReference({
      xpath: `//*[@*[local-name(.)='Id']='${part}-old']`,
      transforms: [EXC_C14N],
      digestAlgorithm: SHA256,
    });
  signedXml.computeSignature(withIds, { location: { reference: header, action: 'append' } });
  return signedXml.getSignedXml();
}

/** A codec sample with text and attributes that canonicalization escapes, a comment, CDATA and namespaces. */
const escapes = sample('document-new.xml')
  .toString('utf8')
  .replace(
    '<edXML:Subject>Về việc',
    '<edXML:Subject><!-- a comment --><![CDATA[<Về> & ]]>&amp; &lt;&gt; &#13;&#x9; "quoted" \'apos\' 𝔸 việc',
  )
  .replace(
    '<edXML:edXMLManifest',
    '<edXML:edXMLManifest note="a&#9;b&#10;c&#13;d &quot;e&quot; &lt;f&gt; &amp;" xmlns:x="urn:example:x" x:attr="1"',
  )
  .replace(
    '<edXML:Attachment>',
    '<edXML:Attachment xmlns="urn:example:default"><Inner xmlns="">text</Inner>',
  );

describe('signatures and xml-crypto', () => {
  it("what signEnvelope signs, xml-crypto's checkSignature accepts: every sample of the codec, ECDSA and RSA", () => {
    for (const name of sampleNames()) {
      const xml = sample(name).toString('utf8');
      for (const algorithm of ['ECDSA-P256', 'RSA-2048'] as const) {
        const signer = own(senderOf(xml), algorithm);
        const signed = signEnvelope(xml, signer);
        expect(xmlCryptoAccepts(signed, signer.certificatePem), `${name} ${algorithm}`).toBe(true);
        expect(outcome(signed), `${name} ${algorithm}`).toBe('accepted');
      }
    }
  });

  it('xml-crypto refuses what was changed after signEnvelope signed it', () => {
    const signer = own(senderOf(sample('document-new.xml').toString('utf8')));
    const signed = signEnvelope(sample('document-new.xml').toString('utf8'), signer);
    const changed = signed.replace('chuyển đổi số', 'chuyển đổi sổ');
    expect(xmlCryptoAccepts(changed, signer.certificatePem)).toBe(false);
    expect(outcome(changed)).toBe('digest-mismatch');
  });

  it('escapes, character references, CDATA, comments and namespaces: signed as xml-crypto reads them, kept as written', () => {
    const signer = own(senderOf(escapes), 'RSA-2048');
    const signed = signEnvelope(escapes, signer);
    expect(xmlCryptoAccepts(signed, signer.certificatePem)).toBe(true);
    expect(outcome(signed)).toBe('accepted');
    const subject = (xml: string) =>
      elementsOf(parseXml(xml)!).find((e) => e.localName === 'Subject')!.textContent;
    expect(subject(signed)).toBe(subject(escapes));
    expect(subject(signed)).toContain('<Về> & & <> \r\t "quoted"');
  });

  it('envelopes xml-crypto signed are accepted: fresh ones, and those the exchange signed before (fixtures)', () => {
    for (const [algorithm, method] of [
      ['ECDSA-P256', 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256'],
      ['RSA-2048', 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256'],
    ] as const) {
      for (const xml of [
        sample('document-new.xml').toString('utf8'),
        sample('status-02.xml').toString('utf8'),
        escapes,
      ]) {
        const signed = xmlCryptoSign(xml, own(senderOf(xml), algorithm), method);
        expect(outcome(signed)).toBe('accepted');
        expect(outcome(signed.replace('<edXML:OrganName>', '<edXML:OrganName>X'))).toBe('digest-mismatch');
      }
    }
    const anchors = trustAnchorsFromPem(fixture('ca.pem'));
    const registered = pemCertificates(fixture('certificates.pem'));
    const before: VerificationContext = {
      trustAnchors: anchors,
      at: NOW,
      registeredCertificates: (organ) =>
        registered.filter((pem) => organCodeOf(readCertificate(pem)!) === organ),
    };
    const fixtures = fs.readdirSync(FIXTURES).filter((name) => name.endsWith('.xml'));
    expect(fixtures).toHaveLength(4);
    for (const name of fixtures) {
      const signed = fixture(name);
      expect(verifyEnvelope(signed, before).organCode, name).toBe(senderOf(signed));
      expect(outcome(signed.replace('</edXML:OrganId>', ' </edXML:OrganId>'), before), name).toBe(
        'digest-mismatch',
      );
    }
  });

  it('a signed part xml-crypto cannot canonicalize (an empty processing instruction) is not signed, nor accepted', () => {
    const xml = sample('document-new.xml').toString('utf8');
    const signer = own(senderOf(xml));
    const empty = xml.replace('<edXML:Subject>', '<edXML:Subject><?empty?>');
    expect(parseXml(empty)).toBeDefined();
    expect(() => signEnvelope(empty, signer)).toThrow(ExchangeEnvelopeUnsignableError);
    const signed = signEnvelope(xml, signer);
    expect(outcome(signed.replace('<edXML:Subject>', '<edXML:Subject><?empty?>'))).toBe('bad-signature');
  });
});
