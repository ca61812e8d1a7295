import { SaxesParser, type SaxesTagNS } from 'saxes';
import {
  CDATA_SECTION_NODE,
  CharacterNode,
  COMMENT_NODE,
  Document,
  Element,
  type Node,
  PROCESSING_INSTRUCTION_NODE,
  TEXT_NODE,
  type XmlDocument,
} from './xml-dom.js';

/** Thrown inside the parse to stop it at the first problem. */
const NOT_WELL_FORMED = Symbol('not well-formed');

/**
 * One saxes pass building the tree, its handlers registered in the constructor (registered later,
 * they leave the parser with slow properties; see edxml/README.md).
 */
class TreeBuilder extends SaxesParser<{ xmlns: true; position: false }> {
  readonly doc = new Document();
  private current: Node = this.doc;
  /** Whether a default namespace (possibly the empty one) is declared on each open element. */
  private readonly defaultDeclared: boolean[] = [false];

  constructor() {
    super({ xmlns: true, position: false });
    this.on('error', () => {
      throw NOT_WELL_FORMED;
    });
    this.on('doctype', () => {
      throw NOT_WELL_FORMED;
    });
    this.on('xmldecl', (decl) => {
      const encoding = decl.encoding === undefined ? '' : ` encoding="${decl.encoding}"`;
      const standalone = decl.standalone === undefined ? '' : ` standalone="${decl.standalone}"`;
      this.doc.declaration = `<?xml version="${decl.version ?? '1.0'}"${encoding}${standalone}?>`;
    });
    this.on('opentag', (tag) => this.open(tag));
    this.on('closetag', () => {
      this.current = this.current.parentNode as unknown as Node;
      this.defaultDeclared.pop();
    });
    this.on('text', (text) => {
      if (this.current !== this.doc) this.current.appendChild(new CharacterNode(TEXT_NODE, '#text', text));
    });
    this.on('cdata', (text) => {
      // xmldom keeps no node for an empty CDATA section
      if (text) this.current.appendChild(new CharacterNode(CDATA_SECTION_NODE, '#cdata-section', text));
    });
    this.on('comment', (text) => {
      this.current.appendChild(new CharacterNode(COMMENT_NODE, '#comment', text));
    });
    this.on('processinginstruction', ({ target, body }) => {
      this.current.appendChild(new CharacterNode(PROCESSING_INSTRUCTION_NODE, target, body, target));
    });
  }

  private open(tag: SaxesTagNS): void {
    const declared = this.defaultDeclared.at(-1)! || 'xmlns' in tag.attributes;
    // as xmldom: no namespace is `null`, unless a default namespace (even the empty one) was declared
    const element = new Element(tag.name, tag.uri || (declared && !tag.prefix ? '' : null));
    for (const attribute of Object.values(tag.attributes)) {
      element.attributes.push({
        name: attribute.name,
        prefix: attribute.prefix || null,
        localName: attribute.local,
        namespaceURI: attribute.uri || null,
        value: attribute.value,
      });
    }
    this.current.appendChild(element);
    this.current = element;
    this.defaultDeclared.push(declared);
  }
}

/**
 * Line ends as xmldom normalizes them before parsing (XML 1.1's rules: CR LF, CR NEL, CR, NEL and
 * LINE SEPARATOR each read as LF), so that text reads as it did for envelopes signed through xmldom.
 */
const normalizeLineEnds = (xml: string): string =>
  xml.replace(/\r[\n\u0085]/g, '\n').replace(/[\r\u0085\u2028]/g, '\n');

/** Parses a whole document; undefined when it is not well-formed, has a DOCTYPE, or no root. */
export function parseDocument(xml: string): XmlDocument | undefined {
  const builder = new TreeBuilder();
  try {
    builder.write(normalizeLineEnds(xml)).close();
  } catch (error) {
    if (error === NOT_WELL_FORMED) return undefined;
    throw error;
  }
  return builder.doc.documentElement ? builder.doc : undefined;
}
