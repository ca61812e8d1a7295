import fs from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'safe-stable-stringify';
import { ExchangeCredentialsMissingError, ExchangeInputError } from '../../kernel/errors/index.js';
import { localDateOf } from '../../kernel/local-date.js';
import type { ModuleHost } from '../../kernel/module.js';
import { certificatesOf, getAgency } from '../agencies/index.js';
import { sha256Hex } from '../documents/index.js';
import {
  attachmentDigest,
  buildDocumentEnvelope,
  buildStatusEnvelope,
  EDXML_LIMITS,
  type EdxmlAttachment,
  type EdxmlBusinessDocType,
  type EdxmlDocumentEnvelope,
  type EdxmlOrgan,
  type EdxmlStatusCode,
  type EdxmlStatusEnvelope,
  type ParsedEdxml,
  parseEdxml,
} from './edxml/index.js';
import type { BusinessType, StatusCode, TraceEntry } from './events.js';
import { demoX509Files, ensureDemoCa, loadTrustAnchors, type TrustAnchors } from './pki/index.js';
import type { EnvelopePort, ReadEnvelope } from './ports.js';
import type { ExchangeDocumentView } from './queries.js';
import { type SigningCredentials, signEnvelope, verifyEnvelope } from './signature.js';

/** An instant as the internal form writes it: Vietnam time, `YYYY-MM-DDTHH:mm:ss+07:00`. */
export const vietnamInstant = (at: Date): string =>
  `${new Date(at.getTime() + 7 * 3600_000).toISOString().slice(0, 19)}+07:00`;

const BUSINESS_TYPES: readonly BusinessType[] = ['new', 'revoke', 'update', 'replace'];

/** The key of a message: SHA-256 of its internal form with the trace left out (hubs extend the trace). */
function messageKeyOf(parsed: ParsedEdxml): string {
  if (parsed.kind === 'status') {
    const { traceHeaders: _trace, ...status } = parsed.status;
    return sha256Hex(Buffer.from(stringify({ kind: 'status', status }) ?? ''));
  }
  const { traceHeaders: _trace, ...document } = parsed.document;
  return sha256Hex(Buffer.from(stringify({ kind: 'document', document }) ?? ''));
}

/** What the exchange records of a parsed envelope. */
export function readEnvelope(parsed: ParsedEdxml): ReadEnvelope {
  const messageKey = messageKeyOf(parsed);
  if (parsed.kind === 'status') {
    const s = parsed.status;
    return {
      kind: 'status',
      documentId: s.responseFor.documentId,
      messageKey,
      fromOrgan: s.from.organId,
      documentDate: s.responseFor.promulgationDate,
      trace: s.traceHeaders.map((t) => ({ organId: t.organId, timestamp: t.timestamp })),
      status: {
        statusCode: s.statusCode as StatusCode,
        toOrgan: s.responseFor.organId,
        statusAt: s.timestamp,
        ...(s.description ? { description: s.description } : {}),
      },
    };
  }
  const d = parsed.document;
  const h = d.messageHeader;
  const businessType = BUSINESS_TYPES[d.business.businessDocType]!;
  // a revocation or an update is about an earlier document: it joins that document's trail
  const documentId =
    (businessType === 'revoke' || businessType === 'update') && d.business.documentId
      ? d.business.documentId
      : h.documentId;
  return {
    kind: 'document',
    documentId,
    messageKey,
    fromOrgan: h.from.organId,
    documentDate: h.promulgationInfo.promulgationDate,
    trace: d.traceHeaders.map((t) => ({ organId: t.organId, timestamp: t.timestamp })),
    document: {
      toOrgans: h.to.map((o) => o.organId),
      businessType,
      codeNumber: h.code.codeNumber,
      codeNotation: h.code.codeNotation,
      documentType: h.documentType.typeName,
      subject: h.subject,
      ...(h.dueDate ? { dueDate: h.dueDate } : {}),
      responseFor: (h.responseFor ?? []).map((r) => r.documentId),
      replaces: (d.business.replacementInfoList ?? []).map((r) => r.documentId),
      attachments: d.manifest.length,
      securityLevel: h.otherInfo.securityLevel ?? 0,
    },
  };
}

const TRACE_LIST = /<((?:[A-Za-z_][\w.-]*:)?)TraceHeaderList\b[^>]*?(\/?)>/;

/**
 * The envelope with one more `TraceHeader` (organ or hub id, instant), after the entries it has —
 * outside the signed parts, so the organ's signature still verifies. The envelope was read by the
 * codec before it was stored, so its TraceHeaderList is the one element of that name.
 */
export function appendTrace(bytes: Buffer, entry: TraceEntry): Buffer {
  const xml = bytes.toString('utf8');
  const open = TRACE_LIST.exec(xml);
  if (!open) throw new ExchangeInputError('TraceHeaderList', 'the envelope has no trace list');
  const prefix = open[1]!;
  const trace = `<${prefix}TraceHeader><${prefix}OrganId>${escapeXml(entry.organId)}</${prefix}OrganId><${prefix}Timestamp>${wireInstant(entry.timestamp)}</${prefix}Timestamp></${prefix}TraceHeader>`;
  if (open[2] === '/') {
    const element = `<${prefix}TraceHeaderList>${trace}</${prefix}TraceHeaderList>`;
    return Buffer.from(xml.slice(0, open.index) + element + xml.slice(open.index + open[0].length), 'utf8');
  }
  const after = open.index + open[0].length;
  const close = xml.indexOf(`</${prefix}TraceHeaderList>`, after);
  const business = xml.indexOf(`<${prefix}Bussiness`, after);
  const at = business >= 0 && business < close ? business : close;
  return Buffer.from(xml.slice(0, at) + trace + xml.slice(at), 'utf8');
}

/** An instant as edXML writes it: Vietnam time without a zone, `YYYY/MM/DD HH:mm:ss`. */
const wireInstant = (instant: string): string => {
  const at = Date.parse(instant);
  if (Number.isNaN(at)) throw new ExchangeInputError('Timestamp', 'must be an instant');
  return vietnamInstant(new Date(at)).slice(0, 19).replace('T', ' ').replaceAll('-', '/');
};

const escapeXml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** The codec and signatures as the exchange service uses them. */
export function createEnvelopePort(
  trustAnchors: TrustAnchors,
  registeredCertificates: (organCode: string) => readonly string[],
): EnvelopePort {
  return {
    read: (bytes) => readEnvelope(parseEdxml(bytes)),
    verify(bytes, at) {
      const verified = verifyEnvelope(bytes.toString('utf8'), { trustAnchors, at, registeredCertificates });
      return { organCode: verified.organCode, certificateSha256: verified.certificateSha256 };
    },
    appendTrace,
  };
}

/** Where the hub keeps credentials to sign for an organ it serves: `<dataDir>/exchange/credentials/<organ>.{key.pem,pem}`. */
export const organCredentialFiles = (dataDir: string, organCode: string) => ({
  key: path.join(dataDir, 'exchange', 'credentials', `${organCode}.key.pem`),
  certificate: path.join(dataDir, 'exchange', 'credentials', `${organCode}.pem`),
});

async function readPair(files: {
  key: string;
  certificate: string;
}): Promise<SigningCredentials | undefined> {
  try {
    const [privateKeyPem, certificatePem] = await Promise.all([
      fs.readFile(files.key, 'utf8'),
      fs.readFile(files.certificate, 'utf8'),
    ]);
    return { privateKeyPem, certificatePem };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** A document to send, as an organ's official writes it (GraphQL `SendDocumentInput`). */
export interface DocumentInput {
  documentId?: string | null;
  to: string[];
  codeNumber: string;
  codeNotation: string;
  place: string;
  promulgationDate?: string | null;
  documentType: string;
  subject: string;
  content?: string | null;
  signerPosition: string;
  signerFullName: string;
  dueDate?: string | null;
  priority?: number | null;
  securityLevel?: number | null;
  businessType?: string | null;
  businessReason?: string | null;
  replaces?: string[] | null;
  responseFor?: string[] | null;
  attachments?: { name: string; contentType: string; base64: string; confidential?: boolean | null }[] | null;
}

/** A status to report (GraphQL `DocumentStatusInput`). */
export interface StatusInput {
  documentId: string;
  statusCode: string;
  description?: string | null;
  department?: string | null;
  staff?: string | null;
}

/** Builds and signs envelopes for the organs whose credentials this hub holds. */
export interface EnvelopeComposer {
  document(organCode: string, input: DocumentInput): Promise<Buffer>;
  status(organCode: string, document: ExchangeDocumentView, input: StatusInput): Promise<Buffer>;
}

/** The exchange's signing side of a hub: trust anchors, registered certificates, the organs' credentials. */
export interface ExchangeSigning {
  trustAnchors: TrustAnchors;
  maxEnvelopeBytes: number;
  registeredCertificates(organCode: string): readonly string[];
  composer: EnvelopeComposer;
}

/** How long an organ's signing credentials are kept in memory before they are read again. */
const CREDENTIALS_TTL_MS = 60_000;

const STATUS_CODES = new Set(['01', '02', '03', '04', '05', '06', '13', '15', '16']);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The certificate authorities whose certificates this hub accepts signatures under
 * (LIENTHONG_EXCHANGE_TRUST_ANCHORS; outside production, by default, the demo CA's certificate —
 * the demo CA is created on first start when missing). None in production until configured: then
 * every signature is refused as untrusted.
 */
async function trustAnchorsOf(host: ModuleHost): Promise<TrustAnchors> {
  const { trustAnchors, caDir } = host.config.exchange;
  if (!trustAnchors) return [];
  if (!host.production && trustAnchors === path.join(caDir, 'ca.pem')) await ensureDemoCa(caDir);
  return loadTrustAnchors(trustAnchors);
}

/** The hub's trust anchors and the credentials of the organs it signs for. */
export async function loadExchangeSigning(host: ModuleHost): Promise<ExchangeSigning> {
  const trustAnchors = await trustAnchorsOf(host);
  const db = host.readModels;
  const organOf = (organCode: string): EdxmlOrgan => {
    const agency = getAgency(db, organCode);
    return { organId: organCode, organName: agency?.name ?? organCode };
  };
  // read once per organ and kept for CREDENTIALS_TTL_MS, so a rotated key is taken up within it
  const held = new Map<string, { credentials: SigningCredentials; until: number }>();
  const credentialsOf = async (organCode: string): Promise<SigningCredentials> => {
    const cached = held.get(organCode);
    if (cached && cached.until > Date.now()) return cached.credentials;
    const own = await readPair(organCredentialFiles(host.config.dataDir, organCode));
    const credentials = own ?? (await readPair(demoX509Files(host.config.dataDir, organCode)));
    if (!credentials) throw new ExchangeCredentialsMissingError(organCode);
    held.set(organCode, { credentials, until: Date.now() + CREDENTIALS_TTL_MS });
    return credentials;
  };
  const now = () => host.clock();
  const composer: EnvelopeComposer = {
    async document(organCode, input) {
      const businessType = (input.businessType ?? 'NEW').toLowerCase() as BusinessType;
      const businessDocType = BUSINESS_TYPES.indexOf(businessType);
      if (businessDocType < 0)
        throw new ExchangeInputError('input.businessType', 'must be NEW, UPDATE, REPLACE or REVOKE');
      if ((businessType === 'update' || businessType === 'revoke') && !input.documentId) {
        throw new ExchangeInputError('input.documentId', `is required to ${businessType} a document`);
      }
      if (businessType === 'replace' && !input.replaces?.length) {
        throw new ExchangeInputError('input.replaces', 'names the documents a replacement replaces');
      }
      const promulgationDate = input.promulgationDate ?? localDateOf(now());
      for (const [field, value] of [
        ['input.promulgationDate', promulgationDate],
        ['input.dueDate', input.dueDate],
      ] as const) {
        if (value && !DATE.test(value)) throw new ExchangeInputError(field, 'must be a date YYYY-MM-DD');
      }
      if (input.to.length === 0) throw new ExchangeInputError('input.to', 'names at least one organ');
      const attachments: EdxmlAttachment[] = [];
      const manifest = (input.attachments ?? []).map((a, i) => {
        const bytes = Buffer.from(a.base64, 'base64');
        const contentId = `attachment-${i + 1}`;
        attachments.push({ contentId, bytes });
        const digest = attachmentDigest(bytes);
        return {
          contentId,
          contentType: a.contentType,
          attachmentName: a.name,
          size: digest.size,
          digestMethod: 'sha256' as const,
          digestValue: digest.digestValue,
          ...(a.confidential ? { confidential: true } : {}),
        };
      });
      const ownId = businessType === 'new' || businessType === 'replace' ? input.documentId : undefined;
      const documentId =
        ownId ?? `${organCode},${promulgationDate.replaceAll('-', '/')},${crypto.randomUUID()}`;
      const envelope: EdxmlDocumentEnvelope = {
        messageHeader: {
          from: organOf(organCode),
          to: input.to.map(organOf),
          code: { codeNumber: input.codeNumber, codeNotation: input.codeNotation },
          promulgationInfo: { place: input.place, promulgationDate },
          documentType: { type: 1, typeName: input.documentType },
          subject: input.subject,
          ...(input.content ? { content: input.content } : {}),
          signerInfo: { position: input.signerPosition, fullName: input.signerFullName },
          ...(input.dueDate ? { dueDate: input.dueDate } : {}),
          otherInfo: {
            priority: input.priority ?? 0,
            ...(input.securityLevel ? { securityLevel: input.securityLevel as 0 | 1 | 2 | 3 } : {}),
          },
          ...(input.responseFor?.length
            ? {
                responseFor: input.responseFor.map((id) => ({
                  organId: organCode,
                  code: `${input.codeNumber}/${input.codeNotation}`,
                  promulgationDate,
                  documentId: id,
                })),
              }
            : {}),
          documentId,
        },
        traceHeaders: [{ organId: organCode, timestamp: vietnamInstant(now()) }],
        business: {
          businessDocType: businessDocType as EdxmlBusinessDocType,
          ...(input.businessReason ? { businessDocReason: input.businessReason } : {}),
          ...(businessType === 'revoke' || businessType === 'update'
            ? { documentId: input.documentId! }
            : {}),
          ...(input.replaces?.length
            ? { replacementInfoList: input.replaces.map((id) => ({ documentId: id, organIdList: input.to })) }
            : {}),
        },
        manifest,
      };
      const xml = buildDocumentEnvelope(envelope, attachments);
      return Buffer.from(signEnvelope(xml, await credentialsOf(organCode)), 'utf8');
    },
    async status(organCode, document, input) {
      if (!STATUS_CODES.has(input.statusCode)) {
        throw new ExchangeInputError('input.statusCode', 'must be one of 01, 02, 03, 04, 05, 06, 13, 15, 16');
      }
      const status: EdxmlStatusEnvelope = {
        responseFor: {
          organId: document.fromOrgan,
          code: `${document.codeNumber ?? ''}/${document.codeNotation ?? ''}`,
          promulgationDate: document.documentDate,
          documentId: document.documentId,
        },
        from: organOf(organCode),
        statusCode: input.statusCode as EdxmlStatusCode,
        ...(input.description ? { description: input.description } : {}),
        timestamp: vietnamInstant(now()),
        ...(input.department || input.staff
          ? {
              staffInfo: {
                ...(input.department ? { department: input.department } : {}),
                ...(input.staff ? { staff: input.staff } : {}),
              },
            }
          : {}),
        traceHeaders: [{ organId: organCode, timestamp: vietnamInstant(now()) }],
      };
      return Buffer.from(signEnvelope(buildStatusEnvelope(status), await credentialsOf(organCode)), 'utf8');
    },
  };
  return {
    trustAnchors,
    maxEnvelopeBytes: EDXML_LIMITS.maxBytes,
    registeredCertificates: (organCode) => certificatesOf(db, organCode),
    composer,
  };
}
