import { describe, it } from 'vitest';
import { createEventValidator } from '../../events/validator.js';
import { type CommandMeta, DeciderSpecification } from '../../kernel/decider/index.js';
import {
  ExchangeDocumentConflictError,
  ExchangeDocumentNotFoundError,
  ExchangeStatusInvalidError,
} from '../../kernel/errors/index.js';
import { deterministicId } from '../../kernel/ids.js';
import { buildMetadata } from '../../kernel/metadata.js';
import type { AcceptMessage, RecordDeliveryFailed, RecordForwarded } from './commands.js';
import { exchangeDecider } from './decider.js';
import {
  EXCHANGE_NAMESPACE,
  type ExchangeEvent,
  type ExchangeMessageAcceptedData,
  type RouteData,
} from './events.js';

const validator = createEventValidator();
const { given } = DeciderSpecification.for(exchangeDecider, { validate: (e) => validator.validate(e) });
const NOW = '2026-12-04T03:00:00.000Z';
const EVENT_ID = '9b2f6a0e-1c4d-4f8e-8a3b-7d5e6f708192';
const meta = (eventId = EVENT_ID): CommandMeta => ({
  now: NOW,
  eventId,
  metadata: buildMetadata({
    occurredAt: NOW,
    actor: { kind: 'system', id: 'hub.central' },
    correlationId: 'c-1',
  }),
});
const DOC = '000.00.00.G08,2026/12/04,1234';
const MINISTRY = '000.00.00.G08';
const WARD = '000.04.01.H26';
const key = (c: string) => c.repeat(64);

const document = (
  businessType: 'new' | 'update' = 'new',
  from = MINISTRY,
  k = key('a'),
): ExchangeMessageAcceptedData => ({
  documentId: DOC,
  messageKey: k,
  kind: 'document',
  via: { channel: 'api' },
  envelope: { sha256: key('e'), size: 4096 },
  fromOrgan: from,
  signer: { organCode: from, certificateSha256: key('c') },
  documentDate: '2026-12-04',
  trace: [],
  document: {
    toOrgans: [WARD],
    businessType,
    codeNumber: '1234',
    codeNotation: 'BCA-VP',
    documentType: 'Công văn',
    subject: 'Về việc triển khai',
    responseFor: [],
    replaces: [],
    attachments: 1,
    securityLevel: 0,
  },
});
const status = (statusCode: '01' | '13' | '15', from: string, k: string): ExchangeMessageAcceptedData => ({
  documentId: DOC,
  messageKey: k,
  kind: 'status',
  via: { channel: 'hub', hubId: 'hub.h26', requestId: 'r-1' },
  envelope: { sha256: key('f'), size: 900 },
  fromOrgan: from,
  signer: { organCode: from, certificateSha256: key('d') },
  documentDate: '2026-12-04',
  trace: [{ organId: 'hub.h26', timestamp: NOW }],
  status: { statusCode, toOrgan: MINISTRY, statusAt: NOW },
});
const forward: RouteData = {
  addressed: WARD,
  organCode: WARD,
  successorHops: [],
  action: 'forward',
  hubId: 'hub.h26',
};
const deliver: RouteData = {
  addressed: MINISTRY,
  organCode: MINISTRY,
  successorHops: [],
  action: 'deliver',
  hubId: 'hub.central',
};

const accept = (message: ExchangeMessageAcceptedData, routes: RouteData[], m = meta()): AcceptMessage => ({
  type: 'AcceptMessage',
  data: { message, routes },
  meta: m,
});
const accepted = (
  message: ExchangeMessageAcceptedData,
  routes: RouteData[],
  eventId = EVENT_ID,
): ExchangeEvent[] => {
  const m = meta(eventId);
  const { documentId, messageKey } = message;
  const events: ExchangeEvent[] = [
    { id: eventId, type: 'ExchangeMessageAccepted', data: message, metadata: m.metadata },
    {
      id: deterministicId(EXCHANGE_NAMESPACE, eventId, 'routed'),
      type: 'ExchangeMessageRouted',
      data: { documentId, messageKey, routes },
      metadata: m.metadata,
    },
  ];
  for (const r of routes.filter((r) => r.action === 'deliver')) {
    events.push({
      id: deterministicId(EXCHANGE_NAMESPACE, eventId, 'delivered', r.organCode),
      type: 'ExchangeMessageDelivered',
      data: { documentId, messageKey, organCode: r.organCode },
      metadata: m.metadata,
    });
  }
  return events;
};
const forwarded = (attempt: number, m = meta()): RecordForwarded => ({
  type: 'RecordForwarded',
  data: { documentId: DOC, messageKey: key('a'), hubId: 'hub.h26', attempt, duplicate: false },
  meta: m,
});
const failed = (permanent: boolean): RecordDeliveryFailed => ({
  type: 'RecordDeliveryFailed',
  data: {
    documentId: DOC,
    messageKey: key('a'),
    hubId: 'hub.h26',
    attempt: 1,
    code: permanent ? 'EXCHANGE_SIGNATURE_INVALID' : 'EXCHANGE_TRANSPORT_FAILED',
    reason: 'connection refused',
    permanent,
    ...(permanent ? {} : { retryAt: '2026-12-04T03:00:01.000Z' }),
  },
  meta: meta(),
});

describe('the exchange decider', () => {
  const taken = accepted(document(), [forward]);

  it('accepts a document with its routes, delivering to the organs this hub serves at once', () => {
    given([])
      .when(accept(document(), [forward]))
      .then(accepted(document(), [forward]));
    given([])
      .when(accept(document(), [deliver, forward]))
      .then(accepted(document(), [deliver, forward]));
  });

  it('records the same message once: a redelivery is acknowledged without events', () => {
    given(taken)
      .when(accept(document(), [forward], meta('2f0c1f0e-1c4d-4f8e-8a3b-7d5e6f708192')))
      .thenNothing();
  });

  it('refuses a second new document under the same DocumentId', () => {
    given(taken)
      .when(accept(document('new', MINISTRY, key('b')), [forward]))
      .thenThrows(ExchangeDocumentConflictError);
  });

  it('lets only the sender update the document', () => {
    given(taken)
      .when(accept(document('update', WARD, key('b')), [forward]))
      .thenThrows(ExchangeDocumentConflictError);
    given(taken)
      .when(accept(document('update', MINISTRY, key('b')), [forward]))
      .then(accepted(document('update', MINISTRY, key('b')), [forward]));
  });

  it('takes a recall answer only after a recall request, and a recall only from the sender', () => {
    given(taken)
      .when(accept(status('15', WARD, key('5')), [deliver]))
      .thenThrows(ExchangeStatusInvalidError);
    given(taken)
      .when(accept(status('13', WARD, key('3')), [forward]))
      .thenThrows(ExchangeStatusInvalidError);
    const recall = accepted(
      status('13', MINISTRY, key('3')),
      [forward],
      '3f0c1f0e-1c4d-4f8e-8a3b-7d5e6f708192',
    );
    given([...taken, ...recall])
      .when(accept(status('15', WARD, key('5')), [deliver]))
      .then(accepted(status('15', WARD, key('5')), [deliver]));
  });

  it('takes a status where it starts only from an organ the document went to, and none before the document', () => {
    const routed = accepted(document(), [forward]);
    const local = (from: string): ExchangeMessageAcceptedData => ({
      ...status('01', from, key('1')),
      via: { channel: 'api' },
    });
    given(routed)
      .when(accept(local('000.05.01.H26'), [deliver]))
      .thenThrows(ExchangeStatusInvalidError);
    given(routed)
      .when(accept(local(WARD), [deliver]))
      .then(accepted(local(WARD), [deliver]));
    // the hubs after it take what the first hub took (the successor of an addressee, say)
    given(routed)
      .when(accept(status('01', '000.05.01.H26', key('1')), [deliver]))
      .then(accepted(status('01', '000.05.01.H26', key('1')), [deliver]));
    given([])
      .when(accept(status('01', WARD, key('1')), [deliver]))
      .thenThrows(ExchangeDocumentNotFoundError);
  });

  it('records a forward once, and no failure after it', () => {
    const done: ExchangeEvent = {
      id: EVENT_ID,
      type: 'ExchangeMessageForwarded',
      data: forwarded(2).data,
      metadata: meta().metadata,
    };
    given(taken).when(forwarded(2)).then([done]);
    given([...taken, done])
      .when(forwarded(3))
      .thenNothing();
    given([...taken, done])
      .when(failed(false))
      .thenNothing();
    given([]).when(forwarded(1)).thenThrows(ExchangeDocumentNotFoundError);
  });

  it('stops recording failures once the next hub refused for good', () => {
    const refused: ExchangeEvent = {
      id: EVENT_ID,
      type: 'ExchangeDeliveryFailed',
      data: failed(true).data,
      metadata: meta().metadata,
    };
    given(taken).when(failed(true)).then([refused]);
    given([...taken, refused])
      .when(failed(false))
      .thenNothing();
  });
});
