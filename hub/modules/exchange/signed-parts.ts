import type { SignatureRefusal } from '../../kernel/errors/index.js';
import { DSIG_NS, EDXML_NS } from './edxml/index.js';
import { isElement, type XmlAttr, type XmlDocument, type XmlElement } from './xml-dom.js';
import { parseDocument } from './xml-parse.js';

/**
 * Whether an element is the edXML element `name`: in the edXML namespace (matched by URI whatever
 * the prefix) or in none, as the codec reads it (some vendors write `AttachmentEncoded` so).
 */
export const isEdxml = (element: XmlElement, name: string): boolean =>
  element.localName === name && (element.namespaceURI === EDXML_NS || !element.namespaceURI);

/**
 * The attribute that identifies a signed element for a reference `#id`, by local name. Only this one:
 * xml-crypto is told the same (it would otherwise also look up `ID` and `id`, three scans of the
 * document per reference).
 */
export const ID_ATTRIBUTE = 'Id';

/**
 * Where a signature's parts are in an envelope, each found once in the whole document at the one
 * place a reader looks for it: `edXMLEnvelope` (the document element or its child), `edXMLHeader`
 * in it, `MessageHeader` or `Status` in the header, `Bussiness` in the header's `TraceHeaderList`,
 * `edXMLBody` in the envelope, `AttachmentEncoded` in the envelope or beside it.
 */
export interface EnvelopeParts {
  envelope: XmlElement;
  header: XmlElement;
  /** `MessageHeader`, or `Status` for a status envelope: names the sender (`From/OrganId`). */
  message: XmlElement;
  kind: 'message' | 'status';
  /**
   * `TraceHeaderList/Bussiness`: what the document does (new, revoke, update, replace) and to
   * which document and receivers. It sits among the trace entries but is the sender's, not the hops'.
   */
  business?: XmlElement;
  body?: XmlElement;
  attachments?: XmlElement;
  /** Every XML-DSig `Signature` element of the document, wherever it is. */
  signatures: XmlElement[];
}

/** What is wrong with an envelope's structure. */
export interface PartsProblem {
  problem: Extract<SignatureRefusal, 'malformed' | 'wrapping'>;
  detail: string;
}

/**
 * Parses XML strictly (namespace-aware, as the codec reads it): undefined for a document with a
 * DOCTYPE (no entities, so every parser reads the same text) or that is not well-formed.
 */
export function parseXml(xml: string): XmlDocument | undefined {
  return xml.includes('<!DOCTYPE') ? undefined : parseDocument(xml);
}

/** Every element of the document, in document order. */
export function elementsOf(doc: XmlDocument): XmlElement[] {
  const found: XmlElement[] = [];
  const stack: XmlElement[] = doc.documentElement ? [doc.documentElement] : [];
  while (stack.length > 0) {
    const element = stack.pop()!;
    found.push(element);
    const children = element.childNodes;
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i]!;
      if (isElement(child)) stack.push(child);
    }
  }
  return found;
}

/** The element children of `parent` in namespace `ns` named `name`. */
export const childrenNamed = (parent: XmlElement, ns: string, name: string): XmlElement[] =>
  elementChildren(parent).filter((e) => e.localName === name && e.namespaceURI === ns);

/** The edXML element children of `parent` named `name` (in the edXML namespace or in none). */
export const edxmlChildren = (parent: XmlElement, name: string): XmlElement[] =>
  elementChildren(parent).filter((e) => isEdxml(e, name));

/** Every element child of `parent`. */
export const elementChildren = (parent: XmlElement): XmlElement[] => parent.childNodes.filter(isElement);

/** The element's identifying attribute (`Id`, in any namespace), if any. */
export function idAttributeOf(element: XmlElement): XmlAttr | undefined {
  return element.attributes.find((a) => a.localName === ID_ATTRIBUTE);
}

const PART_NAMES = [
  'edXMLEnvelope',
  'edXMLHeader',
  'MessageHeader',
  'Status',
  'TraceHeaderList',
  'Bussiness',
  'edXMLBody',
  'AttachmentEncoded',
];

/** Finds the signed parts of an envelope, or says why its structure is not one a signature may cover. */
export function locateParts(doc: XmlDocument): { parts: EnvelopeParts } | PartsProblem {
  const found = new Map<string, XmlElement[]>(PART_NAMES.map((n) => [n, []]));
  const signatures: XmlElement[] = [];
  for (const element of elementsOf(doc)) {
    if (element.namespaceURI === DSIG_NS && element.localName === 'Signature') signatures.push(element);
    else if (isEdxml(element, element.localName)) found.get(element.localName)?.push(element);
  }
  const one = (name: string) => found.get(name)!;
  const envelope = single(one('edXMLEnvelope'), 'edXMLEnvelope');
  if ('problem' in envelope) return envelope;
  const root = doc.documentElement!;
  if (envelope.element !== root && envelope.element.parentNode !== root)
    return wrapping('edXMLEnvelope is not the document or its child');
  const header = single(one('edXMLHeader'), 'edXMLHeader', envelope.element);
  if ('problem' in header) return header;
  const messages = [...one('MessageHeader'), ...one('Status')];
  const message = single(messages, 'MessageHeader or Status', header.element);
  if ('problem' in message) return message;
  const trace = optional(one('TraceHeaderList'), 'TraceHeaderList', [header.element]);
  if (trace && 'problem' in trace) return trace;
  const business = optional(one('Bussiness'), 'Bussiness', trace ? [trace.element] : []);
  if (business && 'problem' in business) return business;
  const body = optional(one('edXMLBody'), 'edXMLBody', [envelope.element]);
  if (body && 'problem' in body) return body;
  const beside = envelope.element === root ? [envelope.element] : [envelope.element, root];
  const attachments = optional(one('AttachmentEncoded'), 'AttachmentEncoded', beside);
  if (attachments && 'problem' in attachments) return attachments;
  return {
    parts: {
      envelope: envelope.element,
      header: header.element,
      message: message.element,
      kind: message.element.localName === 'Status' ? 'status' : 'message',
      ...(business ? { business: business.element } : {}),
      ...(body ? { body: body.element } : {}),
      ...(attachments ? { attachments: attachments.element } : {}),
      signatures,
    },
  };
}

const wrapping = (detail: string): PartsProblem => ({ problem: 'wrapping', detail });

function single(
  elements: XmlElement[],
  name: string,
  parent?: XmlElement,
): { element: XmlElement } | PartsProblem {
  if (elements.length === 0) return { problem: 'malformed', detail: `no ${name}` };
  return optional(elements, name, parent ? [parent] : undefined)!;
}

function optional(
  elements: XmlElement[],
  name: string,
  parents?: readonly XmlElement[],
): { element: XmlElement } | PartsProblem | undefined {
  const [element, ...more] = elements;
  if (!element) return undefined;
  if (more.length > 0) return wrapping(`${name} occurs ${elements.length} times`);
  if (parents && !parents.some((p) => element.parentNode === p)) return wrapping(`${name} is out of place`);
  return { element };
}
