/**
 * The internal form of edXML envelopes (QCVN 102:2016/BTTTT): what `parseEdxml` gives and the
 * builders take. Described by `schemas/edxml.schema.json`; the README maps every field to its
 * element. Dates are `YYYY-MM-DD`, instants `YYYY-MM-DDTHH:mm:ss+07:00` (Vietnam time, as the wire
 * writes them without a zone). Optional fields are absent rather than empty: no empty strings, lists
 * or objects (the envelope's empty elements read as absent).
 */

/** An organ: sender (`From`), receiver (`To`). */
export interface EdxmlOrgan {
  /** The organ's code in the national organ registry, e.g. `000.00.14.H20`. */
  organId: string;
  organizationInCharge?: string;
  organName: string;
  organAdd?: string;
  email?: string;
  telephone?: string;
  fax?: string;
  website?: string;
}

/** The document an envelope answers, or a status is about. */
export interface EdxmlResponseFor {
  /** The organ that promulgated it. */
  organId: string;
  /** Its number and notation as written on it, e.g. `12/UBND-VP`. */
  code: string;
  promulgationDate: string;
  documentId: string;
}

/** Who handles it at the answering organ. */
export interface EdxmlStaffInfo {
  department?: string;
  staff?: string;
  mobile?: string;
  email?: string;
}

/** Hub extension `OtherInfo/SecurityLevel`: 0 none, 1 Mật, 2 Tối mật, 3 Tuyệt mật. */
export type EdxmlSecurityLevel = 0 | 1 | 2 | 3;

export interface EdxmlOtherInfo {
  /** 0 normal … 4 most urgent (độ khẩn). */
  priority: number;
  sphereOfPromulgation?: string;
  typerNotation?: string;
  promulgationAmount?: number;
  pageAmount?: number;
  direction?: boolean;
  appendixes?: string[];
  /** Absent reads as 0; the hub does not route 1–3 between hubs. */
  securityLevel?: EdxmlSecurityLevel;
}

/** `MessageHeader`: the official document. */
export interface EdxmlMessageHeader {
  from: EdxmlOrgan;
  to: EdxmlOrgan[];
  code: { codeNumber: string; codeNotation: string };
  promulgationInfo: { place: string; promulgationDate: string };
  documentType: { type: number; typeDetail?: number; typeName: string };
  /** Trích yếu. */
  subject: string;
  content?: string;
  signerInfo: { competence?: string; position: string; fullName: string };
  dueDate?: string;
  toPlaces?: string[];
  otherInfo: EdxmlOtherInfo;
  /** The documents this one replies to. */
  responseFor?: EdxmlResponseFor[];
  steeringType?: number;
  /** Unique across the exchange; receipt is idempotent by it. */
  documentId: string;
}

/** One organ or hub the envelope passed, in order. */
export interface EdxmlTraceHeader {
  organId: string;
  timestamp: string;
}

/** 0 new, 1 revoke, 2 update, 3 replace. */
export type EdxmlBusinessDocType = 0 | 1 | 2 | 3;

/** A receiver an update adds or removes (`ReceiverType` as the sender wrote it). */
export interface EdxmlReceiver {
  receiverType: number;
  organId: string;
}

/** The document a replacement replaces, and at which organs. */
export interface EdxmlReplacementInfo {
  documentId: string;
  organIdList: string[];
}

/** `TraceHeaderList/Bussiness`: what the envelope does to the document. */
export interface EdxmlBusiness {
  businessDocType: EdxmlBusinessDocType;
  businessDocReason?: string;
  /** For an update: whether the document's information (`documentInfo`) or receivers changed. */
  businessDocumentInfo?: {
    documentInfo?: number;
    documentReceiver?: number;
    receiverList?: EdxmlReceiver[];
  };
  /** The document the revocation or update is about. */
  documentId?: string;
  staffInfo?: EdxmlStaffInfo;
  /** 1 when a paper copy is also sent. */
  paper?: number;
  replacementInfoList?: EdxmlReplacementInfo[];
}

/** A manifest `Reference`: one attachment, inline (`AttachmentEncoded`) or by reference (`uri`). */
export interface EdxmlReference {
  contentId: string;
  contentType: string;
  attachmentName: string;
  description?: string;
  /** Decoded bytes. */
  size: number;
  digestMethod: 'sha256';
  /** Lowercase hex. */
  digestValue: string;
  /** Where to fetch an attachment carried by reference; absent when it is inline. */
  uri?: string;
  /** Hub extension: the attachment holds personal or confidential data (not shown in listings). */
  confidential?: boolean;
}

/** A document envelope (`MessageHeader`). */
export interface EdxmlDocumentEnvelope {
  messageHeader: EdxmlMessageHeader;
  /** At least the sender's. */
  traceHeaders: EdxmlTraceHeader[];
  business: EdxmlBusiness;
  /** In manifest order; possibly none. */
  manifest: EdxmlReference[];
}

/** Status codes: 01 arrived, 02 rejected, 03 registered, 04 assigned, 05 in progress, 06 done, 13 recall requested, 15 recall accepted, 16 recall refused. */
export type EdxmlStatusCode = '01' | '02' | '03' | '04' | '05' | '06' | '13' | '15' | '16';

/** A status envelope (`Status`). */
export interface EdxmlStatusEnvelope {
  responseFor: EdxmlResponseFor;
  from: EdxmlOrgan;
  statusCode: EdxmlStatusCode;
  description?: string;
  timestamp: string;
  staffInfo?: EdxmlStaffInfo;
  /** The hubs it passed (possibly none). */
  traceHeaders: EdxmlTraceHeader[];
}

/** The decoded bytes of an inline attachment. */
export interface EdxmlAttachment {
  contentId: string;
  bytes: Buffer;
}

/** What `parseEdxml` gives. */
export type ParsedEdxml =
  | {
      kind: 'document';
      document: EdxmlDocumentEnvelope;
      /** The inline attachments, in manifest order, each checked against its reference. */
      attachments: EdxmlAttachment[];
      /** Whether the header holds a `ds:Signature` (left to the signature layer). */
      signed: boolean;
    }
  | { kind: 'status'; status: EdxmlStatusEnvelope; signed: boolean };
