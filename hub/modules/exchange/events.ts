import type { EventData } from '../../kernel/event-store.js';
import { deterministicId } from '../../kernel/ids.js';

/** UUIDv5 namespace of the exchange's derived ids (streams, event ids). */
export const EXCHANGE_NAMESPACE = 'a4f0c6e2-5d0b-4c55-9a3e-5c1f0b8e7d21';

export const EXCHANGE_STREAM_CATEGORY = 'exchange';
/** A document's trail on this hub: every message of it (the document, its updates, its statuses). */
export const exchangeStream = (documentId: string) =>
  `${EXCHANGE_STREAM_CATEGORY}-${deterministicId(EXCHANGE_NAMESPACE, 'document', documentId)}`;
/** Refusals of envelopes whose document is not known (unreadable, hostile): one stream per day. */
export const refusalStream = (day: string) => `${EXCHANGE_STREAM_CATEGORY}refusals-${day}`;

/** edXML BussinessDocType: 0 new, 1 revoke, 2 update, 3 replace. */
export type BusinessType = 'new' | 'revoke' | 'update' | 'replace';
/** edXML status codes: 01 arrived … 06 done; 02 rejected; 13 recall requested, 15 accepted, 16 refused. */
export type StatusCode = '01' | '02' | '03' | '04' | '05' | '06' | '13' | '15' | '16';
export const STATUS_CODES: readonly StatusCode[] = ['01', '02', '03', '04', '05', '06', '13', '15', '16'];

/** How a message came to this hub. */
export type MessageVia =
  | { channel: 'api' | 'folder' | 'axis' }
  | { channel: 'hub'; hubId: string; requestId: string };

/** One organ or hub the envelope passed, as its trace says. */
export interface TraceEntry {
  organId: string;
  timestamp: string;
}

/** What this hub keeps of a document envelope's header (the bytes are in the envelope store). */
export interface DocumentSummary {
  toOrgans: string[];
  businessType: BusinessType;
  codeNumber: string;
  codeNotation: string;
  documentType: string;
  subject: string;
  dueDate?: string;
  /** Documents this one answers (ResponseFor). */
  responseFor: string[];
  /** Documents this one replaces (ReplacementInfoList). */
  replaces: string[];
  attachments: number;
  securityLevel: number;
}

/** What this hub keeps of a status envelope. */
export interface StatusSummary {
  statusCode: StatusCode;
  /** The organ the status answers (ResponseFor OrganId: the document's sender). */
  toOrgan: string;
  /** When the organ says it happened. */
  statusAt: string;
  description?: string;
}

export interface ExchangeMessageAcceptedData {
  documentId: string;
  /** SHA-256 (hex) of the signed content, trace left out: the same message on every hub. */
  messageKey: string;
  kind: 'document' | 'status';
  via: MessageVia;
  /**
   * The envelope as it arrived (before this hub's trace entry): SHA-256 (hex), size, and its text
   * when small enough to travel in the event (larger ones are in the envelope store by hash).
   */
  envelope: { sha256: string; size: number; xml?: string };
  fromOrgan: string;
  signer: { organCode: string; certificateSha256: string };
  /** PromulgationDate of the document (for a status, of the document it answers): the day routing uses. */
  documentDate: string;
  trace: TraceEntry[];
  document?: DocumentSummary;
  status?: StatusSummary;
}

export interface SuccessionHopData {
  from: string;
  to: string;
  on: string;
}

export interface RouteData {
  addressed: string;
  organCode: string;
  successorHops: SuccessionHopData[];
  action: 'deliver' | 'forward';
  hubId: string;
}

export interface ExchangeMessageRoutedData {
  documentId: string;
  messageKey: string;
  routes: RouteData[];
}

export interface ExchangeMessageDeliveredData {
  documentId: string;
  messageKey: string;
  organCode: string;
}

export interface ExchangeMessageForwardedData {
  documentId: string;
  messageKey: string;
  hubId: string;
  attempt: number;
  /** The next hub already had the message (a redelivery it acknowledged without recording again). */
  duplicate: boolean;
}

export interface ExchangeDeliveryFailedData {
  documentId: string;
  messageKey: string;
  hubId: string;
  attempt: number;
  /** Error code of the next hub, or of the transport (`EXCHANGE_TRANSPORT_FAILED`). */
  code: string;
  reason: string;
  /** The next hub refused the message (status 02): no retry. */
  permanent: boolean;
  retryAt?: string;
}

export interface ExchangeMessageRefusedData {
  /** Known when the envelope could be read that far. */
  documentId?: string;
  stage: 'send' | 'receive';
  code: string;
  reason: string;
  via: MessageVia;
  fromOrgan?: string;
  envelope: { sha256: string; size: number };
}

export type ExchangeMessageAccepted = EventData<'ExchangeMessageAccepted', ExchangeMessageAcceptedData>;
export type ExchangeMessageRouted = EventData<'ExchangeMessageRouted', ExchangeMessageRoutedData>;
export type ExchangeMessageDelivered = EventData<'ExchangeMessageDelivered', ExchangeMessageDeliveredData>;
export type ExchangeMessageForwarded = EventData<'ExchangeMessageForwarded', ExchangeMessageForwardedData>;
export type ExchangeDeliveryFailed = EventData<'ExchangeDeliveryFailed', ExchangeDeliveryFailedData>;
export type ExchangeMessageRefused = EventData<'ExchangeMessageRefused', ExchangeMessageRefusedData>;
export type ExchangeEvent =
  | ExchangeMessageAccepted
  | ExchangeMessageRouted
  | ExchangeMessageDelivered
  | ExchangeMessageForwarded
  | ExchangeDeliveryFailed
  | ExchangeMessageRefused;

/** Every event type this domain writes (each has a schema in schemas/events/). */
export const eventTypes = [
  'ExchangeMessageAccepted',
  'ExchangeMessageRouted',
  'ExchangeMessageDelivered',
  'ExchangeMessageForwarded',
  'ExchangeDeliveryFailed',
  'ExchangeMessageRefused',
] as const;
