import { type CommandMeta, type Decider, eventOf } from '../../kernel/decider/index.js';
import {
  ExchangeDocumentConflictError,
  ExchangeDocumentNotFoundError,
  ExchangeStatusInvalidError,
  UnknownCommandError,
} from '../../kernel/errors/index.js';
import { deterministicId } from '../../kernel/ids.js';
import type { AcceptMessage, ExchangeCommand, RecordDeliveryFailed, RecordForwarded } from './commands.js';
import {
  EXCHANGE_NAMESPACE,
  type ExchangeEvent,
  type ExchangeMessageAcceptedData,
  type RouteData,
  type StatusCode,
} from './events.js';

/** One message of the document on this hub, and how far it went. */
export interface MessageState {
  kind: 'document' | 'status';
  fromOrgan: string;
  statusCode?: StatusCode;
  routes: RouteData[];
  /** Hubs that acknowledged it. */
  forwarded: string[];
  /** Hubs that refused it for good. */
  refusedBy: string[];
  attempts: Record<string, number>;
}

/** A document's trail on this hub. */
export interface ExchangeDocumentState {
  documentId?: string;
  messages: Record<string, MessageState>;
  /** The message that brought the document (BussinessDocType new). */
  newMessageKey?: string;
  /** The organ that sent it: only it may update, replace, revoke or recall it. */
  senderOrgan?: string;
  /** The organs it was addressed to (a recall request goes to them). */
  recipients: string[];
  /** The organs this hub delivered it to (successors of abolished addressees included). */
  deliveredTo: string[];
  recallRequested: boolean;
}

export const initialState = (): ExchangeDocumentState => ({
  messages: {},
  recipients: [],
  deliveredTo: [],
  recallRequested: false,
});

export function evolve(state: ExchangeDocumentState, event: ExchangeEvent): ExchangeDocumentState {
  switch (event.type) {
    case 'ExchangeMessageAccepted': {
      const m = event.data;
      const isNew = m.kind === 'document' && m.document?.businessType === 'new';
      return {
        ...state,
        documentId: m.documentId,
        messages: {
          ...state.messages,
          [m.messageKey]: {
            kind: m.kind,
            fromOrgan: m.fromOrgan,
            ...(m.status ? { statusCode: m.status.statusCode } : {}),
            routes: [],
            forwarded: [],
            refusedBy: [],
            attempts: {},
          },
        },
        ...(isNew ? { newMessageKey: m.messageKey, recipients: m.document!.toOrgans } : {}),
        ...(isNew || (m.document?.businessType === 'replace' && state.senderOrgan === undefined)
          ? { senderOrgan: m.fromOrgan }
          : {}),
        recallRequested: state.recallRequested || m.status?.statusCode === '13',
      };
    }
    case 'ExchangeMessageRouted':
      return withMessage(state, event.data.messageKey, (m) => ({ ...m, routes: event.data.routes }));
    case 'ExchangeMessageDelivered':
      return state.deliveredTo.includes(event.data.organCode)
        ? state
        : { ...state, deliveredTo: [...state.deliveredTo, event.data.organCode] };
    case 'ExchangeMessageForwarded':
      return withMessage(state, event.data.messageKey, (m) => ({
        ...m,
        forwarded: [...m.forwarded, event.data.hubId],
        attempts: { ...m.attempts, [event.data.hubId]: event.data.attempt },
      }));
    case 'ExchangeDeliveryFailed':
      return withMessage(state, event.data.messageKey, (m) => ({
        ...m,
        refusedBy: event.data.permanent ? [...m.refusedBy, event.data.hubId] : m.refusedBy,
        attempts: { ...m.attempts, [event.data.hubId]: event.data.attempt },
      }));
    default:
      return state;
  }
}

function withMessage(
  state: ExchangeDocumentState,
  key: string,
  change: (m: MessageState) => MessageState,
): ExchangeDocumentState {
  const message = state.messages[key];
  return message ? { ...state, messages: { ...state.messages, [key]: change(message) } } : state;
}

export function decide(command: ExchangeCommand, state: ExchangeDocumentState): ExchangeEvent[] {
  switch (command.type) {
    case 'AcceptMessage':
      return accept(command, state);
    case 'RecordForwarded':
      return forwarded(command, state);
    case 'RecordDeliveryFailed':
      return failed(command, state);
    case 'RecordRefusal':
      return [eventOf(command.meta, 'ExchangeMessageRefused', command.data)];
    default: {
      const never: never = command;
      throw new UnknownCommandError(never);
    }
  }
}

const idOf = (meta: CommandMeta, ...parts: string[]) =>
  deterministicId(EXCHANGE_NAMESPACE, meta.eventId, ...parts);

function accept({ data, meta }: AcceptMessage, state: ExchangeDocumentState): ExchangeEvent[] {
  const { message, routes } = data;
  if (state.messages[message.messageKey]) return []; // the same message again: acknowledged, not recorded twice
  checkAgainstTrail(message, state);
  const { documentId, messageKey } = message;
  const events: ExchangeEvent[] = [
    eventOf(meta, 'ExchangeMessageAccepted', message),
    {
      ...eventOf(meta, 'ExchangeMessageRouted', { documentId, messageKey, routes }),
      id: idOf(meta, 'routed'),
    },
  ];
  const delivered = new Set<string>();
  for (const route of routes) {
    if (route.action !== 'deliver' || delivered.has(route.organCode)) continue;
    delivered.add(route.organCode);
    events.push({
      ...eventOf(meta, 'ExchangeMessageDelivered', { documentId, messageKey, organCode: route.organCode }),
      id: idOf(meta, 'delivered', route.organCode),
    });
  }
  return events;
}

/** A message must fit what the trail already holds: one new document per id, its sender's changes, recalls answered. */
function checkAgainstTrail(message: ExchangeMessageAcceptedData, state: ExchangeDocumentState): void {
  const { documentId } = message;
  if (message.kind === 'document') {
    const type = message.document!.businessType;
    if (type === 'new' && state.newMessageKey !== undefined) {
      throw new ExchangeDocumentConflictError(documentId, 'another document already holds this DocumentId');
    }
    if ((type === 'update' || type === 'revoke') && state.senderOrgan === undefined) {
      throw new ExchangeDocumentNotFoundError(documentId);
    }
    if (type !== 'new' && state.senderOrgan !== undefined && state.senderOrgan !== message.fromOrgan) {
      throw new ExchangeDocumentConflictError(
        documentId,
        `only the sending organ ${state.senderOrgan} may ${type} it (sent by ${message.fromOrgan})`,
      );
    }
    return;
  }
  const code = message.status!.statusCode;
  if (state.newMessageKey === undefined) {
    // a status always follows its document through the same hubs: not seen yet, not taken (the
    // sender retries), so nobody starts a document's trail by answering it first
    throw new ExchangeDocumentNotFoundError(documentId);
  }
  if (code !== '13' && message.via.channel !== 'hub') {
    // where the status starts, its organ must be one the document went to (a successor included);
    // the hubs after it rely on that check and on the organ's signature
    const allowed = [...state.recipients, ...state.deliveredTo];
    if (!allowed.includes(message.fromOrgan)) {
      throw new ExchangeStatusInvalidError(
        documentId,
        code,
        `organ ${message.fromOrgan} is not a recipient of it`,
      );
    }
  }
  if (code === '13' && state.senderOrgan !== undefined && state.senderOrgan !== message.fromOrgan) {
    throw new ExchangeStatusInvalidError(documentId, code, 'only the sending organ may request a recall');
  }
  if ((code === '15' || code === '16') && !state.recallRequested) {
    throw new ExchangeStatusInvalidError(documentId, code, 'answers a recall that was never requested');
  }
}

function messageOf(state: ExchangeDocumentState, documentId: string, key: string): MessageState {
  const message = state.messages[key];
  if (!message) throw new ExchangeDocumentNotFoundError(documentId);
  return message;
}

function forwarded({ data, meta }: RecordForwarded, state: ExchangeDocumentState): ExchangeEvent[] {
  const message = messageOf(state, data.documentId, data.messageKey);
  if (message.forwarded.includes(data.hubId)) return [];
  return [eventOf(meta, 'ExchangeMessageForwarded', data)];
}

function failed({ data, meta }: RecordDeliveryFailed, state: ExchangeDocumentState): ExchangeEvent[] {
  const message = messageOf(state, data.documentId, data.messageKey);
  if (message.forwarded.includes(data.hubId) || message.refusedBy.includes(data.hubId)) return [];
  return [eventOf(meta, 'ExchangeDeliveryFailed', data)];
}

export const exchangeDecider: Decider<ExchangeCommand, ExchangeDocumentState, ExchangeEvent> = {
  decide,
  evolve,
  initialState,
};
