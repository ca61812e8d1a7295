import { describe, expect, it } from 'vitest';
import { apiCode, type HubError } from '../../../kernel/errors/index.js';
import { EDXML_LIMITS, isEdxmlError, parseEdxml } from './index.js';
import { between, DS, edit, NEW, rebuild, refusal, STATUS, sample, sampleNames } from './test-support.js';

describe('refused before anything is read', () => {
  it('XXE: a DOCTYPE with a SYSTEM entity, an external DTD', () => {
    const xxe = edit(
      NEW,
      '<edXML:edXMLEnvelope',
      '<!DOCTYPE e [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<edXML:edXMLEnvelope',
    );
    expect(refusal(edit(xxe, 'Tờ trình</edXML:TypeName>', '&xxe;</edXML:TypeName>'))).toMatchObject({
      code: 'EXCHANGE_XML_DTD_FORBIDDEN',
      reason: 'dtd-forbidden',
    });
    const external = edit(
      NEW,
      '<edXML:edXMLEnvelope',
      '<!DOCTYPE e SYSTEM "http://attacker.example/e.dtd">\n<edXML:edXMLEnvelope',
    );
    expect(refusal(external).code).toBe('EXCHANGE_XML_DTD_FORBIDDEN');
  });

  it('billion laughs', () => {
    const entities = ['<!ENTITY lol "lol">'];
    for (let i = 1; i <= 9; i++)
      entities.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
    const laughs = edit(
      NEW,
      '<edXML:edXMLEnvelope',
      `<!DOCTYPE lolz [${entities.join('')}]>\n<edXML:edXMLEnvelope`,
    );
    expect(refusal(edit(laughs, 'Tờ trình</', '&lol9;</')).code).toBe('EXCHANGE_XML_DTD_FORBIDDEN');
  });

  it('an entity without a DOCTYPE is not well-formed', () => {
    expect(refusal(edit(NEW, 'Tờ trình</', '&xxe;</'))).toMatchObject({
      code: 'EXCHANGE_XML_MALFORMED',
      line: 32,
    });
  });

  it('processing instructions other than the declaration', () => {
    const stylesheet = edit(
      NEW,
      '<edXML:edXMLEnvelope',
      '<?xml-stylesheet href="x.xsl"?>\n<edXML:edXMLEnvelope',
    );
    expect(refusal(stylesheet)).toMatchObject({
      code: 'EXCHANGE_XML_PI_FORBIDDEN',
      reason: 'processing-instruction-forbidden',
    });
    expect(refusal(edit(NEW, '<edXML:Subject>', '<?php run() ?><edXML:Subject>')).code).toBe(
      'EXCHANGE_XML_PI_FORBIDDEN',
    );
  });

  it('more bytes than the limit, counted in UTF-8 whether given as text or bytes', () => {
    const bytes = Buffer.byteLength(NEW);
    expect(NEW.length).toBeLessThan(bytes);
    expect(refusal(NEW, { maxBytes: NEW.length })).toMatchObject({
      code: 'EXCHANGE_XML_TOO_LARGE',
      status: 413,
      maxBytes: NEW.length,
      actualBytes: bytes,
    });
    expect(refusal(Buffer.from(NEW), { maxBytes: bytes - 1 }).code).toBe('EXCHANGE_XML_TOO_LARGE');
    expect(parseEdxml(Buffer.from(NEW), { maxBytes: bytes }).kind).toBe('document');
  });

  it('elements nested deeper than the limit, even inside a signature the codec skips', () => {
    expect(refusal(NEW, { maxDepth: 4 })).toMatchObject({ code: 'EXCHANGE_XML_TOO_DEEP', maxDepth: 4 });
    const deep = `<ds:Signature ${DS}>${'<ds:X>'.repeat(40)}${'</ds:X>'.repeat(40)}</ds:Signature>`;
    expect(refusal(edit(NEW, '</edXML:edXMLHeader>', `${deep}</edXML:edXMLHeader>`)).code).toBe(
      'EXCHANGE_XML_TOO_DEEP',
    );
  });

  it('more elements than the limit', () => {
    expect(refusal(NEW, { maxElements: 50 })).toMatchObject({
      code: 'EXCHANGE_XML_TOO_MANY_ELEMENTS',
      maxElements: 50,
    });
    const wide = `<ds:Signature ${DS}>${'<ds:X/>'.repeat(EDXML_LIMITS.maxElements)}</ds:Signature>`;
    expect(refusal(edit(NEW, '</edXML:edXMLHeader>', `${wide}</edXML:edXMLHeader>`)).code).toBe(
      'EXCHANGE_XML_TOO_MANY_ELEMENTS',
    );
  });

  it('more attachments than the limit', () => {
    expect(refusal(NEW, { maxAttachments: 1 })).toMatchObject({ code: 'EXCHANGE_XML_TOO_MANY_ATTACHMENTS' });
    const attachment = between(NEW, '<edXML:Attachment>', '</edXML:AttachmentEncoded>');
    const many = edit(NEW, attachment, attachment.repeat(EDXML_LIMITS.maxAttachments + 1));
    expect(refusal(many).code).toBe('EXCHANGE_XML_TOO_MANY_ATTACHMENTS');
  });

  it('an attachment larger than the limit once decoded', () => {
    expect(refusal(NEW, { maxAttachmentBytes: 137 })).toMatchObject({
      code: 'EXCHANGE_ATTACHMENT_TOO_LARGE',
      attachment: 'ke-hoach-2025',
      maxBytes: 137,
      actualBytes: 138,
    });
    expect(parseEdxml(NEW, { maxAttachmentBytes: 138 }).kind).toBe('document');
  });
});

describe('not well-formed, not UTF-8', () => {
  it.each([
    ['truncated', NEW.slice(0, 600)],
    ['mismatched tags', edit(NEW, '</edXML:Subject>', '</edXML:Content>')],
    ['nothing', ''],
    ['an unbound prefix', edit(NEW, '<edXML:Subject>', '<x:Subject>')],
    ['two document elements', `${STATUS}<edXML:edXMLEnvelope/>`],
  ])('%s', (_, xml) => {
    expect(refusal(xml)).toMatchObject({ code: 'EXCHANGE_XML_MALFORMED', reason: 'malformed', status: 400 });
  });

  it('bytes that are not UTF-8, or a declaration naming another encoding', () => {
    const latin1 = Buffer.concat([
      Buffer.from(STATUS.slice(0, 200)),
      Buffer.from([0xe0, 0x20]),
      Buffer.from(STATUS.slice(200)),
    ]);
    expect(refusal(latin1)).toMatchObject({ code: 'EXCHANGE_XML_MALFORMED', reason: 'not-utf8' });
    expect(refusal(Buffer.from(`\ufeff${STATUS}`, 'utf16le')).reason).toBe('not-utf8');
    expect(refusal(edit(STATUS, 'encoding="UTF-8"', 'encoding="windows-1258"')).reason).toBe('not-utf8');
  });

  it('NEL and LINE SEPARATOR, which the signature would read as line feeds', () => {
    for (const separator of ['\u2028', '\u0085']) {
      const xml = STATUS.replace('</edXML:StatusCode>', `</edXML:StatusCode>${separator}`);
      expect(xml).not.toBe(STATUS);
      expect(refusal(xml)).toMatchObject({ code: 'EXCHANGE_XML_MALFORMED', reason: 'line-separator' });
      expect(refusal(Buffer.from(xml, 'utf8')).reason).toBe('line-separator');
    }
  });
});

describe('every refusal', () => {
  it('is a 4xx the API calls bad input', () => {
    const errors = [
      refusal(NEW, { maxBytes: 10 }),
      refusal(NEW, { maxDepth: 2 }),
      refusal(NEW, { maxAttachmentBytes: 1 }),
      refusal('<a'),
      refusal(edit(NEW, '>7183831a9e', '>0183831a9e')),
      refusal('<a/>'),
    ];
    for (const error of errors) {
      expect([400, 413, 422]).toContain(error.status);
      expect(apiCode(error as HubError)).toBe('BAD_USER_INPUT');
    }
  });

  it('is all a damaged envelope ever gives, and what still parses builds back the same (fuzz)', () => {
    let seed = 0x5eed;
    // mulberry32: a small seeded generator, so every run damages the samples the same way
    const random = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    const originals = sampleNames().map(sample);
    const damage: ((original: Buffer) => Buffer)[] = [
      (original) => original.subarray(0, random(original.length)),
      (original) => {
        const flipped = Buffer.from(original);
        for (let flips = 1 + random(3); flips > 0; flips--) flipped[random(flipped.length)] = random(256);
        return flipped;
      },
      (original) => {
        const at = random(original.length);
        return Buffer.concat([original.subarray(0, at), original.subarray(at + 1 + random(200))]);
      },
    ];
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 1500; i++) {
      const damaged = damage[i % damage.length]!(originals[random(originals.length)]!);
      const input = i % 2 === 0 ? damaged : damaged.toString('utf8');
      let outcome = 'parsed';
      try {
        const parsed = parseEdxml(input);
        const built = rebuild(parsed);
        expect(parseEdxml(built)).toStrictEqual(parsed);
      } catch (error) {
        if (!isEdxmlError(error)) throw error;
        outcome = error.code;
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    expect(outcomes.get('EXCHANGE_XML_MALFORMED')).toBeGreaterThan(100);
    expect(outcomes.get('EXCHANGE_ENVELOPE_INVALID')).toBeGreaterThan(10);
    expect(outcomes.get('parsed')).toBeGreaterThan(0);
  });
});
