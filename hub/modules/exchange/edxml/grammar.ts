import type { WireKind } from './wire.js';

/**
 * The edXML elements and the fields of the internal form they fill: one table read by the parser
 * (which element may stand where, what it becomes) and by the builder (what is written, in this
 * order). The README's mapping table describes the same.
 */

/** The QCVN 102:2016 namespace. Elements in no namespace are read as in it (some vendors write them so). */
export const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
/** XML-DSig: the one `ds:Signature` a signer adds to `edXMLHeader`. */
export const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

/** An element whose text is a value. */
export interface LeafField {
  t: 'leaf';
  el: string;
  key: string;
  kind: WireKind | 'base64';
  many: boolean;
}
/** An element whose children fill an object. */
export interface GroupField {
  t: 'group';
  el: string;
  key: string;
  fields: readonly Field[];
  many: boolean;
  /** Child element name → field, for the parser. */
  byName: ReadonlyMap<string, Field>;
}
/** An element wrapping one repeated child: its value is the list of the children's values. */
export interface ListField {
  t: 'list';
  el: string;
  key: string;
  item: LeafField | GroupField;
}
/** An element whose children fill the object of the element around it. */
export interface PassField {
  t: 'pass';
  el: string;
  fields: readonly Field[];
  byName: ReadonlyMap<string, Field>;
}
export type Field = LeafField | GroupField | ListField | PassField;
/** Fields that hold children. */
export type ContainerField = GroupField | PassField;

const camel = (el: string) => el[0]!.toLowerCase() + el.slice(1);
const byName = (fields: readonly Field[]) => new Map(fields.map((f) => [f.el, f]));

const leaf = (el: string, kind: LeafField['kind'] = 'text', key = camel(el)): LeafField => ({
  t: 'leaf',
  el,
  key,
  kind,
  many: false,
});
const group = (el: string, fields: readonly Field[], key = camel(el)): GroupField => ({
  t: 'group',
  el,
  key,
  fields,
  many: false,
  byName: byName(fields),
});
const many = (field: GroupField): GroupField => ({ ...field, many: true });
const list = (el: string, item: LeafField | GroupField, key = camel(el)): ListField => ({
  t: 'list',
  el,
  key,
  item,
});
const pass = (el: string, fields: readonly Field[]): PassField => ({
  t: 'pass',
  el,
  fields,
  byName: byName(fields),
});

export const ORGAN: readonly Field[] = [
  leaf('OrganId'),
  leaf('OrganizationInCharge'),
  leaf('OrganName'),
  leaf('OrganAdd'),
  leaf('Email'),
  leaf('Telephone'),
  leaf('Fax'),
  leaf('Website'),
];
const RESPONSE_FOR = [leaf('OrganId'), leaf('Code'), leaf('PromulgationDate', 'date'), leaf('DocumentId')];
const STAFF_INFO = group('StaffInfo', [leaf('Department'), leaf('Staff'), leaf('Mobile'), leaf('Email')]);

/** `MessageHeader`, in the order the national SDK writes it (1.1 From … 1.14 DocumentId). */
export const MESSAGE_HEADER = group('MessageHeader', [
  group('From', ORGAN),
  many(group('To', ORGAN)),
  group('Code', [leaf('CodeNumber'), leaf('CodeNotation')]),
  group('PromulgationInfo', [leaf('Place'), leaf('PromulgationDate', 'date')]),
  group('DocumentType', [leaf('Type', 'int'), leaf('TypeDetail', 'int'), leaf('TypeName')]),
  leaf('Subject'),
  leaf('Content'),
  group('SignerInfo', [leaf('Competence'), leaf('Position'), leaf('FullName')]),
  leaf('DueDate', 'date'),
  list('ToPlaces', leaf('Place')),
  group('OtherInfo', [
    leaf('Priority', 'int'),
    leaf('SphereOfPromulgation'),
    leaf('TyperNotation'),
    leaf('PromulgationAmount', 'int'),
    leaf('PageAmount', 'int'),
    leaf('Direction', 'bool'),
    list('Appendixes', leaf('Appendix')),
    leaf('SecurityLevel', 'int'),
  ]),
  many(group('ResponseFor', RESPONSE_FOR)),
  leaf('SteeringType', 'int'),
  leaf('DocumentId'),
]);

export const TRACE_HEADER = many(
  group('TraceHeader', [leaf('OrganId'), leaf('Timestamp', 'instant')], 'traceHeaders'),
);

/** `Bussiness` (the standard's spelling; the fields say business). */
export const BUSINESS = group(
  'Bussiness',
  [
    leaf('BussinessDocType', 'int', 'businessDocType'),
    leaf('BussinessDocReason', 'text', 'businessDocReason'),
    group(
      'BussinessDocumentInfo',
      [
        leaf('DocumentInfo', 'int'),
        leaf('DocumentReceiver', 'int'),
        list('ReceiverList', group('Receiver', [leaf('ReceiverType', 'int'), leaf('OrganId')])),
      ],
      'businessDocumentInfo',
    ),
    leaf('DocumentId'),
    STAFF_INFO,
    leaf('Paper', 'int'),
    list(
      'ReplacementInfoList',
      group('ReplacementInfo', [leaf('DocumentId'), list('OrganIdList', leaf('OrganId'))]),
    ),
  ],
  'business',
);

/** `Status`: its fields are the status envelope's own. */
export const STATUS = pass('Status', [
  group('ResponseFor', RESPONSE_FOR),
  group('From', ORGAN),
  leaf('StatusCode', 'statusCode'),
  leaf('Description'),
  leaf('Timestamp', 'instant'),
  STAFF_INFO,
]);

export const REFERENCE = group('Reference', [
  leaf('ContentId'),
  leaf('ContentType'),
  leaf('AttachmentName'),
  leaf('Description'),
  leaf('Size', 'int'),
  leaf('DigestMethod', 'digestMethod'),
  leaf('DigestValue'),
  leaf('Uri'),
  leaf('Confidential', 'bool'),
]);

/** An inline attachment; the name, type and description some vendors repeat here are checked against the reference. */
export const ATTACHMENT = group('Attachment', [
  leaf('ContentId'),
  leaf('ContentTransferEncoded', 'base64', 'bytes'),
  leaf('ContentType'),
  leaf('AttachmentName'),
  leaf('Description'),
]);

const ATTACHMENT_ENCODED = list('AttachmentEncoded', ATTACHMENT, 'attachments');
/** `edXMLHeader`: the `ds:Signature` it may hold is handled by the parser, outside this table. */
export const HEADER = pass('edXMLHeader', [
  MESSAGE_HEADER,
  STATUS,
  pass('TraceHeaderList', [TRACE_HEADER, BUSINESS]),
]);
const ENVELOPE = pass('edXMLEnvelope', [
  HEADER,
  pass('edXMLBody', [list('edXMLManifest', REFERENCE, 'manifest')]),
  ATTACHMENT_ENCODED,
]);

/**
 * What the document element may be: `edXMLEnvelope` (attachments inside it), or the `edXML`
 * wrapper the national SDK writes (`edXMLEnvelope` and `AttachmentEncoded` side by side).
 */
export const ROOT = pass('', [ENVELOPE, pass('edXML', [ENVELOPE, ATTACHMENT_ENCODED])]);

/** Keys whose lists count against the attachment limit. */
export const ATTACHMENT_LISTS: ReadonlySet<string> = new Set(['manifest', 'attachments']);
