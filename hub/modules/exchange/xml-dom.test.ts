import fs from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { sample, sampleNames } from './edxml/test-support.js';
import { canonicalForm } from './signature-c14n.js';
import { elementsOf, parseXml } from './signed-parts.js';
import { serialize, type XmlDocument, type XmlElement, type XmlNode } from './xml-dom.js';

/**
 * The signature layer's DOM against @xmldom/xmldom's, which xml-crypto (and the exchange, before)
 * parse with: for the same text, the same elements, attributes and text, and the same canonical
 * form of every element — so digests agree with xml-crypto's whichever parsed the envelope.
 */

const xmldom = createRequire(import.meta.url)('@xmldom/xmldom') as {
  DOMParser: new (options?: object) => { parseFromString(xml: string, type: string): XmlDocument };
};
const parseWithXmldom = (xml: string): XmlDocument =>
  new xmldom.DOMParser({
    errorHandler: (_: string, message: string) => {
      throw new Error(message);
    },
  }).parseFromString(xml, 'text/xml');

/** xmldom leaves `undefined` where the DOM has `null` (no namespace); canonicalization reads both alike. */
const orNull = (value: string | null | undefined) => value ?? null;

/** Elements in document order, each as canonicalization sees it. */
function shape(doc: XmlDocument) {
  const nodeOf = (node: XmlNode): unknown =>
    node.nodeType === 1 ? node.nodeName : [node.nodeType, (node as unknown as { data: string }).data];
  return elementsOf(doc).map((element: XmlElement) => ({
    tagName: element.tagName,
    namespaceURI: orNull(element.namespaceURI),
    prefix: element.prefix,
    localName: element.localName,
    attributes: Array.from(element.attributes).map((a) => [
      a.name,
      a.prefix,
      a.localName,
      orNull(a.namespaceURI),
      a.value,
    ]),
    children: Array.from(element.childNodes).map(nodeOf),
    text: element.textContent,
    canonical: canonicalForm(element),
  }));
}

const FIXTURES = new URL('./signature-fixtures/', import.meta.url);
const documents: Record<string, string> = {
  ...Object.fromEntries(sampleNames().map((name) => [name, sample(name).toString('utf8')])),
  ...Object.fromEntries(
    fs
      .readdirSync(FIXTURES)
      .filter((name) => name.endsWith('.xml'))
      .map((name) => [name, fs.readFileSync(new URL(name, FIXTURES), 'utf8')]),
  ),
  namespaces: `<?xml version="1.0"?>
<r><a xmlns="urn:x"><b xmlns=""><c/><d xmlns="urn:y"><e/></d></b></a>
<p:q xmlns:p="urn:p" p:at="1" plain="2" xmlns="urn:d" xml:lang="vi"><p:s xmlns:p="urn:other"/><t z="1" a="2"/></p:q></r>`,
  characters: `<r>\r\nline\rends\u0085and\u2028separators &#x2028;&#x85;&#13;&#10;&#9; &amp;&lt;&gt;&quot;&apos; 𝔸 <![CDATA[<cdata> & ]]]]><![CDATA[>]]><![CDATA[]]><!-- comment --><?pi some data?><?empty?>
<x a="tab\tnewline\ncr\rend" b="&#9;&#10;&#13;&#x2028; &quot;'&lt;&gt;&amp;" c='single "quoted"'/></r>`,
};

describe('the signature layer’s DOM', () => {
  it('reads every sample, fixture and edge case as xmldom does, canonical forms included', () => {
    for (const [name, xml] of Object.entries(documents)) {
      const ours = parseXml(xml);
      expect(ours, name).toBeDefined();
      expect(shape(ours!), name).toEqual(shape(parseWithXmldom(xml)));
    }
  });

  it('writes a tree that reads back the same', () => {
    for (const [name, xml] of Object.entries(documents)) {
      const doc = parseXml(xml)!;
      expect(shape(parseXml(serialize(doc))!), name).toEqual(shape(doc));
    }
  });

  it('refuses what is not well-formed, a DOCTYPE, and an undeclared prefix', () => {
    for (const xml of [
      '<a><b></a>',
      '<a/><b/>',
      '<a x="1" x="2"/>',
      '<a>&unknown;</a>',
      '<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>',
      '<a><p:b/></a>',
      'text',
      '',
    ])
      expect(parseXml(xml), xml).toBeUndefined();
  });
});
