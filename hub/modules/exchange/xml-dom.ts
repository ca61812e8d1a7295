/**
 * The small DOM the signature layer reads, built by one saxes pass (xml-parse.ts; the parser the
 * codec reads envelopes with): elements, attributes, text, CDATA sections, comments and processing instructions,
 * with the members xml-crypto's exclusive canonicalization reads. Its nodes read as @xmldom/xmldom's
 * do wherever canonicalization can tell (an element in no namespace has `null` or `''` as xmldom
 * gives it, line ends are normalized as xmldom normalizes them), so a digest computed over them is
 * the one xml-crypto computes over xmldom's (xml-dom.test.ts compares the two on every sample); it
 * is several times quicker to build than xmldom's.
 */
export interface XmlNode {
  readonly nodeType: number;
  readonly nodeName: string;
  readonly parentNode: XmlParent | null;
  readonly childNodes: readonly XmlNode[];
  readonly namespaceURI: string | null;
  readonly localName: string | null;
  /** Text and CDATA of the node and its descendants (comments and processing instructions left out). */
  readonly textContent: string | null;
  appendChild(child: XmlNode): XmlNode;
  removeChild(child: XmlNode): XmlNode;
}

export interface XmlAttr {
  readonly name: string;
  readonly prefix: string | null;
  readonly localName: string;
  readonly namespaceURI: string | null;
  readonly value: string;
}

/** A node that holds others: an element or the document. */
export type XmlParent = XmlElement | XmlDocument;

export interface XmlElement extends XmlNode {
  readonly tagName: string;
  readonly prefix: string | null;
  readonly localName: string;
  readonly attributes: readonly XmlAttr[];
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
}

export interface XmlDocument extends XmlNode {
  readonly documentElement: XmlElement | null;
  createElementNS(namespaceURI: string, qualifiedName: string): XmlElement;
  createTextNode(data: string): XmlNode;
}

export const ELEMENT_NODE = 1;
export const TEXT_NODE = 3;
export const CDATA_SECTION_NODE = 4;
export const PROCESSING_INSTRUCTION_NODE = 7;
export const COMMENT_NODE = 8;
const DOCUMENT_NODE = 9;

/** What every node has; a parser builds the tree with `appendChild`. */
export abstract class Node {
  abstract readonly nodeType: number;
  abstract readonly nodeName: string;
  parentNode: XmlParent | null = null;
  readonly childNodes: XmlNode[] = [];
  readonly namespaceURI: string | null = null;
  readonly localName: string | null = null;

  get textContent(): string | null {
    let text = '';
    for (const child of this.childNodes) {
      if (
        child.nodeType === TEXT_NODE ||
        child.nodeType === CDATA_SECTION_NODE ||
        child.nodeType === ELEMENT_NODE
      )
        text += child.textContent;
    }
    return text;
  }

  appendChild(child: XmlNode): XmlNode {
    (child as Node).parentNode = this as unknown as XmlParent;
    this.childNodes.push(child);
    return child;
  }

  removeChild(child: XmlNode): XmlNode {
    const at = this.childNodes.indexOf(child);
    if (at >= 0) this.childNodes.splice(at, 1);
    (child as Node).parentNode = null;
    return child;
  }
}

/** The children of every text-like node: none, and none may be added (frozen). */
const NO_CHILDREN: XmlNode[] = Object.freeze([]) as unknown as XmlNode[];

/** Text, a CDATA section, a comment or a processing instruction: `data` is what canonicalization reads. */
export class CharacterNode extends Node {
  override readonly childNodes = NO_CHILDREN;

  constructor(
    readonly nodeType: number,
    readonly nodeName: string,
    readonly data: string,
    /** A processing instruction's target. */
    readonly target?: string,
  ) {
    super();
  }

  override get textContent(): string {
    return this.data;
  }
}

const splitName = (qualified: string): [prefix: string | null, local: string] => {
  const colon = qualified.indexOf(':');
  return colon < 0 ? [null, qualified] : [qualified.slice(0, colon), qualified.slice(colon + 1)];
};

/** An element: its qualified name split into prefix and local name, its namespace as resolved by the parser. */
export class Element extends Node implements XmlElement {
  readonly nodeType = ELEMENT_NODE;
  readonly nodeName: string;
  readonly prefix: string | null;
  override readonly localName: string;
  readonly attributes: XmlAttr[] = [];

  constructor(
    readonly tagName: string,
    override readonly namespaceURI: string | null,
  ) {
    super();
    this.nodeName = tagName;
    [this.prefix, this.localName] = splitName(tagName);
  }

  getAttribute(name: string): string | null {
    return this.attributes.find((a) => a.name === name)?.value ?? null;
  }

  /** Sets an attribute in no namespace (an `Id`, an `Algorithm`), replacing one of that name. */
  setAttribute(name: string, value: string): void {
    const [prefix, localName] = splitName(name);
    const attribute = { name, prefix, localName, namespaceURI: null, value };
    const at = this.attributes.findIndex((a) => a.name === name);
    if (at >= 0) this.attributes[at] = attribute;
    else this.attributes.push(attribute);
  }
}

/** The document: its children (the root element, comments and processing instructions around it). */
export class Document extends Node implements XmlDocument {
  readonly nodeType = DOCUMENT_NODE;
  readonly nodeName = '#document';
  /** The XML declaration, as written back. */
  declaration?: string;

  get documentElement(): XmlElement | null {
    return (this.childNodes.find((n) => n.nodeType === ELEMENT_NODE) as XmlElement | undefined) ?? null;
  }

  override get textContent(): null {
    return null;
  }

  createElementNS(namespaceURI: string, qualifiedName: string): XmlElement {
    return new Element(qualifiedName, namespaceURI);
  }

  createTextNode(data: string): XmlNode {
    return new CharacterNode(TEXT_NODE, '#text', data);
  }
}

/** Characters written as references: markup, and those the parser would read as other characters (line ends, tabs in attributes). */
const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#x9;',
  '\n': '&#xA;',
  '\r': '&#xD;',
  '\u0085': '&#x85;',
  '\u2028': '&#x2028;',
};
const escapeText = (text: string) => text.replace(/[&<>\r\u0085\u2028]/g, (c) => ESCAPES[c]!);
const escapeAttribute = (value: string) => value.replace(/[&<"\t\n\r\u0085\u2028]/g, (c) => ESCAPES[c]!);

/**
 * The node as XML text, read back as the same tree: namespace declarations written as the
 * attributes they are (no fix-up: a tree parsed here holds them, and the Signature the signer adds
 * declares its own); in text and attribute values, what the parser would read as something else (a
 * carriage return, NEL or LINE SEPARATOR as a line feed, a tab or line feed in an attribute as a
 * space) is written as a character reference.
 */
export function serialize(node: XmlNode): string {
  const out: string[] = [];
  write(node, out);
  return out.join('');
}

function write(node: XmlNode, out: string[]): void {
  switch (node.nodeType) {
    case DOCUMENT_NODE: {
      const declaration = (node as Document).declaration;
      if (declaration) out.push(declaration, '\n');
      for (const child of node.childNodes) {
        write(child, out);
        if (child.nodeType !== ELEMENT_NODE) out.push('\n');
      }
      return;
    }
    case ELEMENT_NODE: {
      const element = node as XmlElement;
      out.push('<', element.tagName);
      for (const a of element.attributes) out.push(' ', a.name, '="', escapeAttribute(a.value), '"');
      if (element.childNodes.length === 0) {
        out.push('/>');
        return;
      }
      out.push('>');
      for (const child of element.childNodes) write(child, out);
      out.push('</', element.tagName, '>');
      return;
    }
    case TEXT_NODE:
      out.push(escapeText((node as CharacterNode).data));
      return;
    case CDATA_SECTION_NODE:
      out.push('<![CDATA[', (node as CharacterNode).data, ']]>');
      return;
    case COMMENT_NODE:
      out.push('<!--', (node as CharacterNode).data, '-->');
      return;
    case PROCESSING_INSTRUCTION_NODE: {
      const { target, data } = node as CharacterNode;
      out.push('<?', target!, data ? ` ${data}` : '', '?>');
      return;
    }
  }
}

export const isElement = (node: XmlNode | null | undefined): node is XmlElement =>
  node?.nodeType === ELEMENT_NODE;
