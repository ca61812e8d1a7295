import { AuthForbiddenError } from '../../kernel/errors/index.js';
import { localDateOf } from '../../kernel/local-date.js';
import type { Principal } from '../../kernel/principal.js';
import { prepared, type ReadModelDb } from '../../kernel/read-model.js';

/** A document as this hub knows it (the `exchange` read model). */
export interface ExchangeDocumentView {
  documentId: string;
  fromOrgan: string;
  codeNumber: string | null;
  codeNotation: string | null;
  documentType: string | null;
  subject: string | null;
  documentDate: string;
  dueDate: string | null;
  businessType: string | null;
  toOrgans: string[];
  attachments: number | null;
  firstSeenAt: string;
  lastMessageAt: string;
  recall: 'none' | 'requested' | 'accepted' | 'refused';
}

/** One addressed organ's progress with a document. */
export interface RecipientView {
  documentId: string;
  organCode: string;
  addressed: string;
  hubId: string;
  dueDate: string | null;
  routedAt: string;
  acknowledgedAt: string | null;
  doneAt: string | null;
  lastStatus: string | null;
  lastStatusAt: string | null;
  rejected: boolean;
}

/** One message of a document (the document itself, an update, a status…). */
export interface MessageView {
  messageKey: string;
  documentId: string;
  kind: 'document' | 'status';
  fromOrgan: string;
  businessType: string | null;
  statusCode: string | null;
  statusAt: string | null;
  description: string | null;
  envelopeSha256: string;
  viaHub: string | null;
  acceptedAt: string;
  position: number;
}

/**
 * A message that reached an organ this hub serves. Its `position` is the delivery's (the inbox
 * cursor `after` compares with), not the message's acceptance: pass the last one as `after`.
 */
export interface InboxItem extends MessageView {
  organCode: string;
  deliveredAt: string;
}

interface DocumentRow {
  document_id: string;
  from_organ: string;
  code_number: string | null;
  code_notation: string | null;
  document_type: string | null;
  subject: string | null;
  document_date: string;
  due_date: string | null;
  business_type: string | null;
  to_organs: string | null;
  attachments: number | null;
  first_seen_at: string;
  last_message_at: string;
  recall: ExchangeDocumentView['recall'];
}

const toDocument = (r: DocumentRow): ExchangeDocumentView => ({
  documentId: r.document_id,
  fromOrgan: r.from_organ,
  codeNumber: r.code_number,
  codeNotation: r.code_notation,
  documentType: r.document_type,
  subject: r.subject,
  documentDate: r.document_date,
  dueDate: r.due_date,
  businessType: r.business_type,
  toOrgans: r.to_organs ? (JSON.parse(r.to_organs) as string[]) : [],
  attachments: r.attachments,
  firstSeenAt: r.first_seen_at,
  lastMessageAt: r.last_message_at,
  recall: r.recall,
});

interface RecipientRow {
  document_id: string;
  organ_code: string;
  addressed: string;
  hub_id: string;
  due_date: string | null;
  routed_at: string;
  acknowledged_at: string | null;
  done_at: string | null;
  last_status: string | null;
  last_status_at: string | null;
  rejected: number;
}

const toRecipient = (r: RecipientRow): RecipientView => ({
  documentId: r.document_id,
  organCode: r.organ_code,
  addressed: r.addressed,
  hubId: r.hub_id,
  dueDate: r.due_date,
  routedAt: r.routed_at,
  acknowledgedAt: r.acknowledged_at,
  doneAt: r.done_at,
  lastStatus: r.last_status,
  lastStatusAt: r.last_status_at,
  rejected: r.rejected === 1,
});

interface MessageRow {
  message_key: string;
  document_id: string;
  kind: 'document' | 'status';
  from_organ: string;
  business_type: string | null;
  status_code: string | null;
  status_at: string | null;
  description: string | null;
  envelope_sha256: string;
  via_hub: string | null;
  accepted_at: string;
  position: number;
}

const toMessage = (r: MessageRow): MessageView => ({
  messageKey: r.message_key,
  documentId: r.document_id,
  kind: r.kind,
  fromOrgan: r.from_organ,
  businessType: r.business_type,
  statusCode: r.status_code,
  statusAt: r.status_at,
  description: r.description,
  envelopeSha256: r.envelope_sha256,
  viaHub: r.via_hub,
  acceptedAt: r.accepted_at,
  position: r.position,
});

export function getExchangeDocument(db: ReadModelDb, documentId: string): ExchangeDocumentView | undefined {
  const row = prepared<[string], DocumentRow>(
    db,
    'SELECT * FROM exchange_documents WHERE document_id = ?',
  ).get(documentId);
  return row ? toDocument(row) : undefined;
}

export function recipientsOf(db: ReadModelDb, documentId: string): RecipientView[] {
  return prepared<[string], RecipientRow>(
    db,
    'SELECT * FROM exchange_recipients WHERE document_id = ? ORDER BY organ_code',
  )
    .all(documentId)
    .map(toRecipient);
}

export function messagesOf(db: ReadModelDb, documentId: string): MessageView[] {
  return prepared<[string], MessageRow>(
    db,
    'SELECT * FROM exchange_messages WHERE document_id = ? ORDER BY position, message_key',
  )
    .all(documentId)
    .map(toMessage);
}

export function getMessage(db: ReadModelDb, messageKey: string): MessageView | undefined {
  const row = prepared<[string], MessageRow>(db, 'SELECT * FROM exchange_messages WHERE message_key = ?').get(
    messageKey,
  );
  return row ? toMessage(row) : undefined;
}

/** Whether a message reached an organ (its inbox). */
export function inInbox(db: ReadModelDb, organCode: string, messageKey: string): boolean {
  return (
    prepared<[string, string], { one: number }>(
      db,
      'SELECT 1 AS one FROM exchange_inbox WHERE organ_code = ? AND message_key = ?',
    ).get(organCode, messageKey) !== undefined
  );
}

/** What reached an organ after a position (cursor), oldest first. */
export function inboxOf(
  db: ReadModelDb,
  organCode: string,
  { after = 0, limit = 50, kind }: { after?: number; limit?: number; kind?: 'document' | 'status' } = {},
): InboxItem[] {
  const rows = prepared<
    [string, number, string | null, string | null, number],
    MessageRow & { organ_code: string; delivered_at: string; delivered_position: number }
  >(
    db,
    `SELECT m.*, i.organ_code, i.delivered_at, i.position AS delivered_position FROM exchange_inbox i
     JOIN exchange_messages m ON m.message_key = i.message_key
     WHERE i.organ_code = ? AND i.position > ? AND (? IS NULL OR i.kind = ?)
     ORDER BY i.position, i.message_key LIMIT ?`,
  ).all(organCode, after, kind ?? null, kind ?? null, limit);
  return rows.map((r) => ({
    ...toMessage(r),
    position: r.delivered_position,
    organCode: r.organ_code,
    deliveredAt: r.delivered_at,
  }));
}

/** Documents an organ sent, newest first. */
export function sentBy(db: ReadModelDb, organCode: string, limit = 50): ExchangeDocumentView[] {
  return prepared<[string, number], DocumentRow>(
    db,
    `SELECT * FROM exchange_documents WHERE from_organ = ? AND business_type IS NOT NULL
     ORDER BY first_seen_at DESC, document_id LIMIT ?`,
  )
    .all(organCode, limit)
    .map(toDocument);
}

/** Why a recipient is overdue. */
export type OverdueReason = 'not-acknowledged' | 'not-done';

export interface OverdueRecipient extends RecipientView {
  reason: OverdueReason;
}

/**
 * Recipients overdue at `at`: not done (status 06) by the document's due date (the day after it has
 * begun, in Vietnam), or not acknowledged (status 01 or later) within `acknowledgeWithinHours` of
 * being routed. Refused recipients (status 02) are not overdue. Judged at the instant asked, so a
 * document becomes overdue as the clock passes, with no event needed.
 */
export function overdueRecipients(
  db: ReadModelDb,
  at: Date,
  {
    organCode,
    acknowledgeWithinHours = 24,
    limit = 100,
  }: { organCode?: string; acknowledgeWithinHours?: number; limit?: number } = {},
): OverdueRecipient[] {
  const today = localDateOf(at);
  const ackBefore = new Date(at.getTime() - acknowledgeWithinHours * 3600_000).toISOString();
  const rows = prepared<
    [string, string, string | null, string | null, string | null, number],
    RecipientRow & { from_organ: string }
  >(
    db,
    `SELECT r.*, d.from_organ FROM exchange_recipients r JOIN exchange_documents d ON d.document_id = r.document_id
     WHERE r.done_at IS NULL AND r.rejected = 0
       AND ((r.due_date IS NOT NULL AND r.due_date < ?) OR (r.acknowledged_at IS NULL AND r.routed_at < ?))
       AND (? IS NULL OR r.organ_code = ? OR d.from_organ = ?)
     ORDER BY r.due_date, r.routed_at LIMIT ?`,
  ).all(today, ackBefore, organCode ?? null, organCode ?? null, organCode ?? null, limit);
  return rows.map((r) => ({
    ...toRecipient(r),
    reason: r.due_date !== null && r.due_date < today ? 'not-done' : 'not-acknowledged',
  }));
}

/** Agency roles that exchange documents: every agency role but the citizen portal's. */
export const EXCHANGE_ROLES = ['consumer', 'provider', 'inspector', 'operator'] as const;

/**
 * A document with its recipients, for a caller who may see it: its sender, one of its recipients,
 * or an inspector (AuthForbiddenError otherwise); undefined when this hub does not know it.
 */
export function visibleDocument(
  db: ReadModelDb,
  principal: Principal,
  documentId: string,
): { document: ExchangeDocumentView; recipients: RecipientView[] } | undefined {
  const document = getExchangeDocument(db, documentId);
  if (!document) return undefined;
  const recipients = recipientsOf(db, documentId);
  const organ = principal.agency;
  if (
    principal.role !== 'inspector' &&
    document.fromOrgan !== organ &&
    !recipients.some((r) => r.organCode === organ)
  ) {
    throw new AuthForbiddenError(`organ ${organ} is neither the sender nor a recipient of this document`);
  }
  return { document, recipients };
}
