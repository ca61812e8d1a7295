import { SaxesParser, type SaxesTagNS } from 'saxes';
import {
  type EnvelopeInvalidReason,
  ExchangeAttachmentTooLargeError,
  ExchangeEnvelopeInvalidError,
  ExchangeXmlDtdForbiddenError,
  ExchangeXmlMalformedError,
  ExchangeXmlPiForbiddenError,
  ExchangeXmlTooDeepError,
  ExchangeXmlTooManyAttachmentsError,
  ExchangeXmlTooManyElementsError,
} from '../../../kernel/errors/index.js';
import {
  ATTACHMENT_LISTS,
  DSIG_NS,
  EDXML_NS,
  type Field,
  HEADER,
  type LeafField,
  type ListField,
  ROOT,
} from './grammar.js';
import type { EdxmlLimits } from './limits.js';
import { fromWire } from './wire.js';

/** What one pass over the envelope read: its fields as the grammar names them, not yet checked. */
export interface StreamedEnvelope {
  fields: Record<string, unknown>;
  /** A `Status` element was read (its fields are among `fields`). */
  status: boolean;
  /** `edXMLHeader` holds a `ds:Signature`. */
  signed: boolean;
}

interface Frame {
  /** `null` inside `ds:Signature`, which is skipped (its elements still count). */
  field: Field | null;
  /** The element's local name, for the XML path of an error. */
  name: string;
  /** The object a group or pass element fills (a pass shares its parent's). */
  target: Record<string, unknown>;
  /** The values of a list element's children. */
  items: unknown[];
  /** Children of a group or pass element that may occur once, seen so far. */
  seen: Set<string>;
  /** JSON pointer of `target`, of the list or of the leaf. */
  path: string;
  /** A leaf's text so far. */
  text: string;
}

const WHITESPACE = /^[ \t\r\n]*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const SAXES_POSITION = /^(\d+):(\d+): ([\s\S]*)$/;

const frame = (
  field: Field | null,
  name: string,
  path: string,
  target: Record<string, unknown> = {},
): Frame => ({
  field,
  name,
  target,
  items: [],
  seen: new Set(),
  path,
  text: '',
});

/**
 * Reads the envelope in one streaming pass: refuses what the hub never reads (DOCTYPE and entities,
 * processing instructions, past the limits, elements edXML does not have at their place, elements
 * repeated that may occur once) as it meets it, and fills the fields of the internal form on the
 * way. No tree is built.
 */
export function streamEnvelope(xml: string, limits: EdxmlLimits): StreamedEnvelope {
  const reader = new EnvelopeReader(limits);
  new EnvelopeParser(reader).write(xml).close();
  return { fields: reader.stack[0]!.target, status: reader.status, signed: reader.signed };
}

/**
 * The saxes parser, its handlers registered while it is constructed: registered afterwards (with
 * `on`), eight handlers leave the object with slow properties and the scan of a large attachment
 * several times slower.
 */
class EnvelopeParser extends SaxesParser<{ xmlns: true }> {
  constructor(reader: EnvelopeReader) {
    super({ xmlns: true });
    this.on('error', malformed);
    this.on('doctype', () => {
      throw new ExchangeXmlDtdForbiddenError();
    });
    this.on('processinginstruction', () => {
      throw new ExchangeXmlPiForbiddenError();
    });
    this.on('xmldecl', (decl) => {
      if (decl.encoding !== undefined && !/^utf-?8$/i.test(decl.encoding))
        throw new ExchangeXmlMalformedError('not-utf8', 'the declaration names an encoding other than UTF-8');
    });
    this.on('opentag', (tag) => reader.open(tag));
    this.on('closetag', () => reader.close());
    this.on('text', (text) => reader.text(text));
    this.on('cdata', (text) => reader.text(text));
  }
}

function malformed(error: Error): never {
  const m = SAXES_POSITION.exec(error.message);
  throw m
    ? new ExchangeXmlMalformedError('malformed', m[3]!, Number(m[1]), Number(m[2]))
    : new ExchangeXmlMalformedError('malformed', error.message);
}

/** The state of one pass: the open elements, what the limits count, the fields read so far. */
class EnvelopeReader {
  readonly stack: Frame[] = [frame(ROOT, '', '')];
  elements = 0;
  signed = false;
  status = false;
  readonly listed = new Map<string, number>();

  constructor(readonly limits: EdxmlLimits) {}

  open(tag: SaxesTagNS): void {
    const { stack, limits } = this;
    if (++this.elements > limits.maxElements) throw new ExchangeXmlTooManyElementsError(limits.maxElements);
    if (stack.length > limits.maxDepth) throw new ExchangeXmlTooDeepError(limits.maxDepth);
    const parent = stack[stack.length - 1]!;
    const { local, uri } = tag;
    const field = parent.field;
    if (field === null) {
      stack.push(frame(null, local, parent.path));
    } else if (field === HEADER && uri === DSIG_NS && local === 'Signature') {
      if (this.signed) throw this.invalid('duplicate-element', parent, 'a second ds:Signature', local);
      this.signed = true;
      stack.push(frame(null, local, parent.path));
    } else if (stack.length === 1 && uri !== EDXML_NS) {
      throw this.invalid(
        'not-edxml',
        parent,
        'the document element is not in the QCVN 102:2016 namespace',
        local,
      );
    } else if (uri !== EDXML_NS && uri !== '') {
      throw this.invalid('unknown-element', parent, `an element of namespace ${uri}`, local);
    } else if (field.t === 'list') {
      this.openItem(parent, field, local);
    } else {
      this.openChild(parent, field, local);
    }
  }

  private openItem(parent: Frame, field: ListField, local: string): void {
    if (local !== field.item.el)
      throw this.invalid('unknown-element', parent, `${local} is not edXML here`, local);
    if (ATTACHMENT_LISTS.has(field.key)) {
      const count = (this.listed.get(field.key) ?? 0) + 1;
      if (count > this.limits.maxAttachments)
        throw new ExchangeXmlTooManyAttachmentsError(this.limits.maxAttachments);
      this.listed.set(field.key, count);
    }
    this.stack.push(frame(field.item, local, `${parent.path}/${parent.items.length}`));
  }

  private openChild(parent: Frame, field: Field, local: string): void {
    const child = field.t === 'group' || field.t === 'pass' ? field.byName.get(local) : undefined;
    if (child === undefined) {
      if (this.stack.length === 1)
        throw this.invalid('not-edxml', parent, `the document element is ${local}`, local);
      throw this.invalid('unknown-element', parent, `${local} is not edXML here`, local);
    }
    if (child.t === 'pass' || child.t === 'list' || !child.many) {
      const taken = parent.seen.has(local) || (child.t !== 'pass' && parent.target[child.key] !== undefined);
      if (taken) {
        const at = child.t === 'pass' ? parent : { ...parent, path: `${parent.path}/${child.key}` };
        throw this.invalid('duplicate-element', at, `${local} may occur once`, local);
      }
      parent.seen.add(local);
    }
    if (child.t === 'pass') {
      if (child.el === 'Status') this.status = true;
      this.stack.push(frame(child, local, parent.path, parent.target));
      return;
    }
    const repeated = child.t === 'group' && child.many;
    const index = repeated ? `/${(parent.target[child.key] as unknown[] | undefined)?.length ?? 0}` : '';
    this.stack.push(frame(child, local, `${parent.path}/${child.key}${index}`));
  }

  close(): void {
    const { stack } = this;
    const done = stack.pop()!;
    const field = done.field;
    if (field === null || field.t === 'pass') return;
    let value: unknown;
    if (field.t === 'leaf') value = this.leafValue(field, done);
    else if (field.t === 'group') value = Object.keys(done.target).length > 0 ? done.target : undefined;
    else value = done.items.length > 0 ? done.items : undefined;
    if (value === undefined) return;
    const parent = stack[stack.length - 1]!;
    if (parent.field !== null && parent.field.t === 'list') parent.items.push(value);
    else if (field.t === 'group' && field.many) {
      const items = (parent.target[field.key] as unknown[] | undefined) ?? [];
      items.push(value);
      parent.target[field.key] = items;
    } else parent.target[field.key] = value;
  }

  text(text: string): void {
    const top = this.stack[this.stack.length - 1]!;
    if (top.field === null) return;
    if (top.field.t === 'leaf') top.text += text;
    else if (!WHITESPACE.test(text))
      throw this.invalid('unexpected-text', top, 'text where only elements belong');
  }

  invalid(
    reason: EnvelopeInvalidReason,
    at: Frame,
    problem: string,
    local?: string,
  ): ExchangeEnvelopeInvalidError {
    const names = this.stack.slice(1).map((f) => f.name);
    const element = (local === undefined ? names : [...names, local]).join('/');
    return new ExchangeEnvelopeInvalidError(reason, at.path, problem, element);
  }

  /** A leaf's value; `ContentTransferEncoded` is checked (base64, decoded size) before it is decoded. */
  private leafValue(field: LeafField, done: Frame): unknown {
    const { stack, limits } = this;
    if (field.kind !== 'base64') return fromWire(field.kind, done.text);
    const encoded = done.text.replace(/[ \t\r\n]+/g, '');
    if (encoded.length % 4 !== 0 || !BASE64.test(encoded))
      throw this.invalid('attachment-not-base64', done, 'ContentTransferEncoded is not base64');
    const padding = encoded.endsWith('==') ? 2 : encoded.endsWith('=') ? 1 : 0;
    const size = (encoded.length / 4) * 3 - padding;
    if (size > limits.maxAttachmentBytes) {
      const attachment = stack[stack.length - 1]!;
      const contentId = attachment.target.contentId;
      const list = stack[stack.length - 2]!;
      const label = typeof contentId === 'string' ? contentId : `#${list.items.length}`;
      throw new ExchangeAttachmentTooLargeError(label, limits.maxAttachmentBytes, size);
    }
    return Buffer.from(encoded, 'base64');
  }
}
