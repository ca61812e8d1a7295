import { createRequire } from 'node:module';

/**
 * The part of @xmldom/xmldom's DOM the exchange reads. The package's own declarations carry
 * `/// <reference lib="dom" />`, which would pull the browser's DOM library into the whole program
 * and retype `fetch`, `Response` and `CryptoKey` everywhere; these shapes stand for the few node
 * members used here instead, and the parser is loaded without its declarations.
 */
export interface XmlNode {
  readonly nodeType: number;
  readonly parentNode: XmlNode | null;
  readonly childNodes: ArrayLike<XmlNode>;
  readonly lastChild: XmlNode | null;
  readonly previousSibling: XmlNode | null;
  readonly namespaceURI: string | null;
  readonly localName: string | null;
  readonly textContent: string | null;
  appendChild(child: XmlNode): XmlNode;
}

export interface XmlAttr {
  readonly localName: string;
  readonly value: string;
}

export interface XmlElement extends XmlNode {
  readonly localName: string;
  readonly attributes: ArrayLike<XmlAttr>;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
}

export interface XmlDocument extends XmlNode {
  readonly documentElement: XmlElement | null;
  readonly doctype: XmlNode | null;
  createElementNS(namespaceURI: string, qualifiedName: string): XmlElement;
  createTextNode(data: string): XmlNode;
}

interface XmldomModule {
  DOMParser: new (options?: {
    errorHandler?: (level: string, message: string) => void;
  }) => { parseFromString(xml: string, mimeType: string): XmlDocument };
  XMLSerializer: new () => { serializeToString(node: XmlNode): string };
}

const xmldom = createRequire(import.meta.url)('@xmldom/xmldom') as XmldomModule;

export const ELEMENT_NODE = 1;

/** Parses with xmldom, every warning and error reported to `onProblem`. */
export const parseDocument = (xml: string, onProblem: () => void): XmlDocument =>
  new xmldom.DOMParser({ errorHandler: onProblem }).parseFromString(xml, 'text/xml');

/**
 * The node as XML text. A carriage return reaches the DOM only through a character reference (the
 * parser turns line breaks into line feeds) and xmldom writes it back raw in text, where it would be
 * read again as a line feed: it is written `&#xD;`, as xml-crypto writes it.
 */
export const serialize = (node: XmlNode): string =>
  new xmldom.XMLSerializer().serializeToString(node).replace(/\r/g, '&#xD;');

export const isElement = (node: XmlNode | null | undefined): node is XmlElement =>
  node?.nodeType === ELEMENT_NODE;
