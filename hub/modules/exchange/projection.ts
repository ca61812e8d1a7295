import type { RecordedEvent } from '../../kernel/event-store.js';
import type { ProjectionDefinition } from '../../kernel/projection.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import {
  EXCHANGE_STREAM_CATEGORY,
  type ExchangeDeliveryFailedData,
  type ExchangeMessageAcceptedData,
  type ExchangeMessageDeliveredData,
  type ExchangeMessageForwardedData,
  type ExchangeMessageRoutedData,
  eventTypes,
} from './events.js';

/** Statuses that say the recipient has the document (arrived, registered and everything after). */
const ACKNOWLEDGING = new Set(['01', '03', '04', '05', '06']);
/**
 * How far along a status is: statuses travel as separate messages and may arrive out of order, so a
 * recipient's latest status is the furthest one, not the last to arrive (02 rejected and 06 done end it).
 */
const STAGE: Record<string, number> = { '01': 1, '03': 2, '04': 3, '05': 4, '02': 5, '06': 5 };

/**
 * Read model `exchange`: the documents this hub has seen, their messages, each organ's inbox, each
 * recipient's progress (statuses, for overdue detection) and the outbox toward other hubs.
 *
 * - `exchange_documents`: one row per DocumentId (the header of the message that brought it).
 * - `exchange_messages`: every message (document, update, status…) by its key.
 * - `exchange_inbox`: what reached each organ this hub serves (documents, and statuses for senders).
 * - `exchange_recipients`: per document and addressed organ (in force): delivered, acknowledged, done.
 * - `exchange_outbox`: per message and next hub: pending (with attempts and when due), done or refused.
 */
export const exchangeProjection: ProjectionDefinition = {
  name: 'exchange',
  version: 2,
  description:
    'Documents exchanged: messages, inboxes, recipients and their statuses, the outbox to other hubs',
  filter: { streamPrefixes: [`${EXCHANGE_STREAM_CATEGORY}-`], eventTypes },
  open(db: ReadModelDb) {
    createTables(db);
    const insertDocument = db.prepare(`
      INSERT INTO exchange_documents (document_id, from_organ, code_number, code_notation, document_type, subject,
        document_date, due_date, business_type, to_organs, attachments, first_seen_at, last_message_at, recall)
      VALUES (@documentId, @fromOrgan, @codeNumber, @codeNotation, @documentType, @subject, @documentDate, @dueDate,
        @businessType, @toOrgans, @attachments, @at, @at, 'none')
      ON CONFLICT (document_id) DO UPDATE SET business_type = excluded.business_type,
        subject = CASE WHEN excluded.business_type IN ('update', 'replace') THEN excluded.subject ELSE subject END,
        due_date = CASE WHEN excluded.business_type IN ('update', 'replace') THEN excluded.due_date ELSE due_date END,
        last_message_at = excluded.last_message_at
    `);
    const insertStatusDocument = db.prepare(`
      INSERT INTO exchange_documents (document_id, from_organ, document_date, first_seen_at, last_message_at, recall)
      VALUES (@documentId, @toOrgan, @documentDate, @at, @at, 'none')
      ON CONFLICT (document_id) DO UPDATE SET last_message_at = excluded.last_message_at
    `);
    const insertMessage = db.prepare(`
      INSERT OR IGNORE INTO exchange_messages (message_key, document_id, kind, from_organ, business_type, status_code,
        status_at, description, envelope_sha256, via_hub, accepted_at, position)
      VALUES (@messageKey, @documentId, @kind, @fromOrgan, @businessType, @statusCode, @statusAt, @description,
        @envelope, @viaHub, @at, @position)
    `);
    const recall = db.prepare('UPDATE exchange_documents SET recall = ? WHERE document_id = ?');
    const recipient = db.prepare(`
      INSERT INTO exchange_recipients (document_id, organ_code, addressed, hub_id, due_date, routed_at)
      VALUES (@documentId, @organCode, @addressed, @hubId, @dueDate, @at)
      ON CONFLICT (document_id, organ_code) DO UPDATE SET due_date = COALESCE(excluded.due_date, due_date)
    `);
    const currentStatus = db.prepare<[string, string], { last_status: string | null }>(
      'SELECT last_status FROM exchange_recipients WHERE document_id = ? AND organ_code = ?',
    );
    const statusOfRecipient = db.prepare(`
      UPDATE exchange_recipients SET
        last_status = CASE WHEN @further = 1 THEN @statusCode ELSE last_status END,
        last_status_at = CASE WHEN @further = 1 THEN @statusAt ELSE last_status_at END,
        acknowledged_at = CASE WHEN @ack = 1 THEN COALESCE(acknowledged_at, @statusAt) ELSE acknowledged_at END,
        done_at = CASE WHEN @statusCode = '06' THEN @statusAt ELSE done_at END,
        rejected = CASE WHEN @statusCode = '02' THEN 1 ELSE rejected END
      WHERE document_id = @documentId AND organ_code = @organCode
    `);
    const inbox = db.prepare(`
      INSERT OR IGNORE INTO exchange_inbox (organ_code, message_key, document_id, kind, delivered_at, position)
      VALUES (@organCode, @messageKey, @documentId, @kind, @at, @position)
    `);
    const outboxPending = db.prepare(`
      INSERT OR IGNORE INTO exchange_outbox (message_key, hub_id, document_id, envelope_sha256, state, attempts,
        next_attempt_at, created_at)
      VALUES (@messageKey, @hubId, @documentId, @envelope, 'pending', 0, @at, @at)
    `);
    const outboxDone = db.prepare(`
      UPDATE exchange_outbox SET state = 'done', attempts = @attempt, last_error = NULL, done_at = @at
      WHERE message_key = @messageKey AND hub_id = @hubId
    `);
    const outboxFailed = db.prepare(`
      UPDATE exchange_outbox SET state = CASE WHEN @permanent = 1 THEN 'refused' ELSE state END, attempts = @attempt,
        next_attempt_at = COALESCE(@retryAt, next_attempt_at), last_error = @code
      WHERE message_key = @messageKey AND hub_id = @hubId AND state = 'pending'
    `);
    const rejectedBehind = db.prepare(`
      UPDATE exchange_recipients SET rejected = 1, last_status = '02', last_status_at = @at
      WHERE document_id = @documentId AND hub_id = @hubId AND done_at IS NULL
    `);
    const messageOf = db.prepare<
      [string],
      { kind: string; envelope_sha256: string; status_code: string | null }
    >('SELECT kind, envelope_sha256, status_code FROM exchange_messages WHERE message_key = ?');
    const dueOf = db.prepare<[string], { due_date: string | null }>(
      'SELECT due_date FROM exchange_documents WHERE document_id = ?',
    );
    return {
      apply(event: RecordedEvent) {
        const at = event.recordedAt;
        switch (event.type) {
          case 'ExchangeMessageAccepted': {
            const m = event.data as ExchangeMessageAcceptedData;
            if (m.document) {
              const d = m.document;
              insertDocument.run({
                documentId: m.documentId,
                fromOrgan: m.fromOrgan,
                codeNumber: d.codeNumber,
                codeNotation: d.codeNotation,
                documentType: d.documentType,
                subject: d.subject,
                documentDate: m.documentDate,
                dueDate: d.dueDate ?? null,
                businessType: d.businessType,
                toOrgans: JSON.stringify(d.toOrgans),
                attachments: d.attachments,
                at,
              });
            } else {
              insertStatusDocument.run({
                documentId: m.documentId,
                toOrgan: m.status!.toOrgan,
                documentDate: m.documentDate,
                at,
              });
            }
            insertMessage.run({
              messageKey: m.messageKey,
              documentId: m.documentId,
              kind: m.kind,
              fromOrgan: m.fromOrgan,
              businessType: m.document?.businessType ?? null,
              statusCode: m.status?.statusCode ?? null,
              statusAt: m.status?.statusAt ?? null,
              description: m.status?.description ?? null,
              envelope: m.envelope.sha256,
              viaHub: m.via.channel === 'hub' ? m.via.hubId : null,
              at,
              position: Number(event.position),
            });
            if (m.status) {
              const code = m.status.statusCode;
              if (code === '13' || code === '15' || code === '16') {
                recall.run(
                  code === '13' ? 'requested' : code === '15' ? 'accepted' : 'refused',
                  m.documentId,
                );
              } else {
                const current = currentStatus.get(m.documentId, m.fromOrgan)?.last_status;
                const further = current == null || (STAGE[code] ?? 0) >= (STAGE[current] ?? 0);
                statusOfRecipient.run({
                  further: further ? 1 : 0,
                  documentId: m.documentId,
                  organCode: m.fromOrgan,
                  statusCode: code,
                  statusAt: m.status.statusAt,
                  ack: ACKNOWLEDGING.has(code) ? 1 : 0,
                });
              }
            }
            break;
          }
          case 'ExchangeMessageRouted': {
            const r = event.data as ExchangeMessageRoutedData;
            const message = messageOf.get(r.messageKey);
            if (!message) break;
            const dueDate = dueOf.get(r.documentId)?.due_date ?? null;
            for (const route of r.routes) {
              if (message.kind === 'document') {
                recipient.run({
                  documentId: r.documentId,
                  organCode: route.organCode,
                  addressed: route.addressed,
                  hubId: route.hubId,
                  dueDate,
                  at,
                });
              }
              if (route.action === 'forward') {
                outboxPending.run({
                  messageKey: r.messageKey,
                  hubId: route.hubId,
                  documentId: r.documentId,
                  envelope: message.envelope_sha256,
                  at,
                });
              }
            }
            break;
          }
          case 'ExchangeMessageDelivered': {
            const d = event.data as ExchangeMessageDeliveredData;
            const message = messageOf.get(d.messageKey);
            inbox.run({
              organCode: d.organCode,
              messageKey: d.messageKey,
              documentId: d.documentId,
              kind: message?.kind ?? 'document',
              at,
              position: Number(event.position),
            });
            break;
          }
          case 'ExchangeMessageForwarded': {
            const f = event.data as ExchangeMessageForwardedData;
            outboxDone.run({ messageKey: f.messageKey, hubId: f.hubId, attempt: f.attempt, at });
            break;
          }
          case 'ExchangeDeliveryFailed': {
            const f = event.data as ExchangeDeliveryFailedData;
            if (f.permanent && messageOf.get(f.messageKey)?.kind === 'document') {
              // refused by a hub on the way: the recipients behind it will not have it (status 02)
              rejectedBehind.run({ documentId: f.documentId, hubId: f.hubId, at });
            }
            outboxFailed.run({
              messageKey: f.messageKey,
              hubId: f.hubId,
              attempt: f.attempt,
              permanent: f.permanent ? 1 : 0,
              retryAt: f.retryAt ?? null,
              code: f.code,
            });
            break;
          }
          default:
            break;
        }
      },
      reset() {
        db.exec(`DELETE FROM exchange_documents; DELETE FROM exchange_messages; DELETE FROM exchange_inbox;
          DELETE FROM exchange_recipients; DELETE FROM exchange_outbox;`);
      },
    };
  },
};

function createTables(db: ReadModelDb): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS exchange_documents (
      document_id TEXT PRIMARY KEY,
      from_organ TEXT NOT NULL,
      code_number TEXT,
      code_notation TEXT,
      document_type TEXT,
      subject TEXT,
      document_date TEXT NOT NULL,
      due_date TEXT,
      business_type TEXT,
      to_organs TEXT,
      attachments INTEGER,
      first_seen_at TEXT NOT NULL,
      last_message_at TEXT NOT NULL,
      recall TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS exchange_documents_from ON exchange_documents (from_organ, first_seen_at);
    CREATE TABLE IF NOT EXISTS exchange_messages (
      message_key TEXT PRIMARY KEY,
      document_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      from_organ TEXT NOT NULL,
      business_type TEXT,
      status_code TEXT,
      status_at TEXT,
      description TEXT,
      envelope_sha256 TEXT NOT NULL,
      via_hub TEXT,
      accepted_at TEXT NOT NULL,
      position INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS exchange_messages_document ON exchange_messages (document_id, position);
    CREATE TABLE IF NOT EXISTS exchange_inbox (
      organ_code TEXT NOT NULL,
      message_key TEXT NOT NULL,
      document_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      delivered_at TEXT NOT NULL,
      position INTEGER NOT NULL,
      PRIMARY KEY (organ_code, message_key)
    );
    CREATE INDEX IF NOT EXISTS exchange_inbox_by_position ON exchange_inbox (organ_code, position);
    CREATE TABLE IF NOT EXISTS exchange_recipients (
      document_id TEXT NOT NULL,
      organ_code TEXT NOT NULL,
      addressed TEXT NOT NULL,
      hub_id TEXT NOT NULL,
      due_date TEXT,
      routed_at TEXT NOT NULL,
      acknowledged_at TEXT,
      done_at TEXT,
      last_status TEXT,
      last_status_at TEXT,
      rejected INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (document_id, organ_code)
    );
    CREATE INDEX IF NOT EXISTS exchange_recipients_open ON exchange_recipients (due_date) WHERE done_at IS NULL;
    CREATE TABLE IF NOT EXISTS exchange_outbox (
      message_key TEXT NOT NULL,
      hub_id TEXT NOT NULL,
      document_id TEXT NOT NULL,
      envelope_sha256 TEXT NOT NULL,
      state TEXT NOT NULL,
      attempts INTEGER NOT NULL,
      next_attempt_at TEXT NOT NULL,
      last_error TEXT,
      created_at TEXT NOT NULL,
      done_at TEXT,
      PRIMARY KEY (message_key, hub_id)
    );
    CREATE INDEX IF NOT EXISTS exchange_outbox_due ON exchange_outbox (next_attempt_at) WHERE state = 'pending';
  `);
}
