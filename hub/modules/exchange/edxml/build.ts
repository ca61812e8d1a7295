import { create } from 'xmlbuilder2';
import { pairAttachments } from './attachments.js';
import {
  BUSINESS,
  EDXML_NS,
  type Field,
  type GroupField,
  type LeafField,
  MESSAGE_HEADER,
  REFERENCE,
  STATUS,
  TRACE_HEADER,
} from './grammar.js';
import { checkDocumentEnvelope, checkStatusEnvelope } from './schema.js';
import type { EdxmlAttachment, EdxmlDocumentEnvelope, EdxmlStatusEnvelope } from './types.js';
import { toWire } from './wire.js';

type XMLBuilder = ReturnType<typeof create>;

/**
 * The edXML envelope of a document, UTF-8 XML with its declaration: `edXMLEnvelope` (prefix
 * `edXML`), the header (`MessageHeader`, `TraceHeaderList` with the trace and `Bussiness`), the
 * manifest, then `AttachmentEncoded` with the inline attachments in manifest order. Every manifest
 * reference without `uri` needs its bytes among `attachments` (paired by ContentId), of the size and
 * SHA-256 it names. The document is checked against the schema first; the same input always gives
 * the same bytes.
 */
export function buildDocumentEnvelope(
  document: EdxmlDocumentEnvelope,
  attachments: readonly EdxmlAttachment[] = [],
): string {
  checkDocumentEnvelope(document);
  const inline = pairAttachments(document.manifest, attachments);
  const root = envelope();
  const header = element(root, 'edXMLHeader');
  write(header, MESSAGE_HEADER, document.messageHeader);
  const traces = element(header, 'TraceHeaderList');
  write(traces, TRACE_HEADER, document.traceHeaders);
  write(traces, BUSINESS, document.business);
  const manifest = element(element(root, 'edXMLBody'), 'edXMLManifest');
  for (const reference of document.manifest) writeItem(manifest, REFERENCE, reference);
  if (inline.length > 0) {
    const encoded = element(root, 'AttachmentEncoded');
    for (const attachment of inline) {
      const node = element(encoded, 'Attachment');
      element(node, 'ContentId').txt(attachment.contentId);
      element(node, 'ContentTransferEncoded').txt(attachment.bytes.toString('base64'));
    }
  }
  return root.end({ prettyPrint: true });
}

/**
 * The edXML envelope of a status: `Status` in the header, then the `TraceHeaderList` of the hubs it
 * passed (when any); no body. Checked against the schema first.
 */
export function buildStatusEnvelope(status: EdxmlStatusEnvelope): string {
  checkStatusEnvelope(status);
  const root = envelope();
  const header = element(root, 'edXMLHeader');
  writeFields(element(header, STATUS.el), STATUS.fields, status as unknown as Record<string, unknown>);
  if (status.traceHeaders.length > 0)
    write(element(header, 'TraceHeaderList'), TRACE_HEADER, status.traceHeaders);
  return root.end({ prettyPrint: true });
}

const envelope = (): XMLBuilder =>
  create({ version: '1.0', encoding: 'UTF-8' }).ele(EDXML_NS, 'edXML:edXMLEnvelope');

const element = (parent: XMLBuilder, name: string): XMLBuilder => parent.ele(EDXML_NS, `edXML:${name}`);

/** Writes a field's value (absent: nothing; a repeated group: one element per item). */
function write(parent: XMLBuilder, field: Field, value: unknown): void {
  if (value === undefined) return;
  switch (field.t) {
    case 'leaf':
    case 'group':
      if (field.many) for (const item of value as unknown[]) writeItem(parent, field, item);
      else writeItem(parent, field, value);
      return;
    case 'list': {
      const node = element(parent, field.el);
      for (const item of value as unknown[]) writeItem(node, field.item, item);
      return;
    }
    case 'pass':
      writeFields(element(parent, field.el), field.fields, value as Record<string, unknown>);
      return;
  }
}

function writeItem(parent: XMLBuilder, field: LeafField | GroupField, value: unknown): void {
  const node = element(parent, field.el);
  if (field.t === 'group') writeFields(node, field.fields, value as Record<string, unknown>);
  else
    node.txt(
      field.kind === 'base64'
        ? Buffer.from(value as Uint8Array).toString('base64')
        : toWire(field.kind, value),
    );
}

function writeFields(node: XMLBuilder, fields: readonly Field[], value: Record<string, unknown>): void {
  for (const field of fields) write(node, field, field.t === 'pass' ? value : value[field.key]);
}
