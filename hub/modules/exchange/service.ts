import type { Logger } from 'pino';
import { type Clock, systemClock } from '../../kernel/clock.js';
import {
  aggregateStream,
  handleCommand,
  newCommandMeta,
  StreamStateCache,
} from '../../kernel/decider/index.js';
import {
  AuthForbiddenError,
  ExchangeOrganNotServedError,
  ExchangeSecretDocumentError,
  ExchangeStatusInvalidError,
  HubError,
  StreamNotFoundError,
} from '../../kernel/errors/index.js';
import type { Actor, EventStore, RecordedEvent } from '../../kernel/event-store.js';
import { type IdSource, randomId } from '../../kernel/ids.js';
import { localDateOf } from '../../kernel/local-date.js';
import { moduleLogger } from '../../kernel/logger.js';
import { type BlobStore, sha256Hex } from '../documents/index.js';
import type { ExchangeCommand } from './commands.js';
import { type ExchangeDocumentState, exchangeDecider } from './decider.js';
import type { HubDirectory } from './directory.js';
import {
  type ExchangeMessageAcceptedData,
  type ExchangeMessageRefusedData,
  exchangeStream,
  type MessageVia,
  type RouteData,
  refusalStream,
} from './events.js';
import type { EnvelopePort, ReadEnvelope } from './ports.js';
import { hubChain, type OrganRegistry, routeTo } from './routing.js';

export interface ExchangeServiceDeps {
  store: EventStore;
  /** Where envelopes are kept, by SHA-256 of their bytes. */
  blobs: BlobStore;
  envelopes: EnvelopePort;
  directory: HubDirectory;
  registry: OrganRegistry;
  /** This hub's id in the directory. */
  selfHubId: string;
  logger: Logger;
  clock?: Clock;
  ids?: IdSource;
}

/** One message handed to the next hub: what the outbox delivers. */
export interface OutboundMessage {
  documentId: string;
  messageKey: string;
  hubId: string;
  envelopeSha256: string;
  /** The envelope's bytes, when the caller has them at hand. */
  bytes?: Buffer;
}

/** Envelopes up to this size are kept in their `ExchangeMessageAccepted` event; larger ones in the envelope store. */
export const INLINE_ENVELOPE_BYTES = 256 * 1024;

/** What the hub answers for an envelope it took in. */
export interface Receipt {
  documentId: string;
  messageKey: string;
  kind: 'document' | 'status';
  /** The hub had this message already: acknowledged, nothing recorded again. */
  duplicate: boolean;
  routes: RouteData[];
  /** Global position of the recorded events (read your writes); absent for a duplicate. */
  position?: number;
}

/** The organ's official who hands an envelope in through the API, a folder or the axis endpoint. */
export interface LocalSender {
  agency: string;
  official?: string;
}

/** A message to hand to another hub, and which attempt that will be (after those already recorded). */
type Listener = (message: OutboundMessage, attempt: number) => void;

/**
 * Takes envelopes in — from the document systems of the organs this hub serves, and from other
 * hubs — and records each on its document's trail: checked (limits, schema, confidentiality,
 * signature and certificate), routed per addressed organ along the levels in force on the
 * document's date, delivered to the organs this hub serves, and handed to the outbox for the
 * others. A refusal is recorded before anything else is; the same message twice is recorded once.
 */
export class ExchangeService {
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly ids: IdSource;
  private readonly cache = new StreamStateCache<ExchangeDocumentState>(10_000);
  private readonly listeners: Listener[] = [];
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: ExchangeServiceDeps) {
    this.log = moduleLogger(deps.logger, 'exchange');
    this.clock = deps.clock ?? systemClock;
    this.ids = deps.ids ?? randomId;
  }

  get selfHubId(): string {
    return this.deps.selfHubId;
  }

  /** Called for every message to hand to another hub, as soon as it is recorded (the outbox). */
  onOutbound(listener: Listener): void {
    this.listeners.push(listener);
  }

  /** An envelope from the document system of an organ this hub serves, signed by that organ. */
  submit(bytes: Buffer, via: { channel: 'api' | 'folder' | 'axis' }, sender: LocalSender): Promise<Receipt> {
    return this.take(
      bytes,
      via,
      { kind: 'agency', id: sender.agency, ...(sender.official ? { official: sender.official } : {}) },
      (read) => {
        if (read.fromOrgan !== sender.agency) {
          throw new AuthForbiddenError(`agency ${sender.agency} may not send for organ ${read.fromOrgan}`);
        }
        const servedBy = hubChain(this.deps.directory, this.deps.registry, read.fromOrgan)[0];
        if (servedBy !== this.deps.selfHubId)
          throw new ExchangeOrganNotServedError(read.fromOrgan, this.deps.selfHubId);
      },
    );
  }

  /** An envelope another hub forwarded (its request already authenticated). */
  receive(bytes: Buffer, via: { channel: 'hub'; hubId: string; requestId: string }): Promise<Receipt> {
    return this.take(bytes, via, { kind: 'system', id: `hub:${via.hubId}` }, () => {});
  }

  private async take(
    bytes: Buffer,
    via: MessageVia,
    actor: Actor,
    authorize: (read: ReadEnvelope) => void,
  ): Promise<Receipt> {
    const envelope: { sha256: string; size: number; xml?: string } = {
      sha256: sha256Hex(bytes),
      size: bytes.length,
    };
    const stage = via.channel === 'hub' ? 'receive' : 'send';
    let read: ReadEnvelope | undefined;
    let verified = false;
    try {
      read = this.deps.envelopes.read(bytes);
      const level = read.document?.securityLevel ?? 0;
      if (level > 0) throw new ExchangeSecretDocumentError(read.documentId, level);
      authorize(read);
      const signer = this.deps.envelopes.verify(bytes, this.clock());
      verified = true;
      const targets = await this.targetsOf(read);
      const routes: RouteData[] = targets.map((organCode) =>
        routeTo(this.deps.directory, this.deps.registry, {
          selfHubId: this.deps.selfHubId,
          organCode,
          onDate: read!.documentDate,
          today: localDateOf(this.clock()),
        }),
      );
      // a small envelope travels in its event (one durable append holds both); a large one is
      // stored first, by hash, so no event ever names bytes that are not there
      if (bytes.length <= INLINE_ENVELOPE_BYTES) envelope.xml = bytes.toString('utf8');
      else await this.deps.blobs.put(bytes, envelope.sha256);
      const message: ExchangeMessageAcceptedData = {
        documentId: read.documentId,
        messageKey: read.messageKey,
        kind: read.kind,
        via,
        envelope,
        fromOrgan: read.fromOrgan,
        signer,
        documentDate: read.documentDate,
        trace: read.trace,
        ...(read.document ? { document: read.document } : {}),
        ...(read.status ? { status: read.status } : {}),
      };
      return await this.accept(message, routes, actor);
    } catch (error) {
      const refused = { sha256: envelope.sha256, size: envelope.size };
      if (error instanceof HubError && isRefusal(error)) {
        // on the document's trail only when someone accountable stands behind it: the organ's
        // signature verified, or a hub of the directory that forwarded it; else the day's refusals
        const onTrail = verified || via.channel === 'hub';
        await this.refuse(error, { via, stage, envelope: refused, read: onTrail ? read : undefined }, actor);
      }
      throw error;
    }
  }

  /**
   * The organs a message goes to: a document's addressees; a status's, the document's sender as
   * this hub recorded it (not whom the status names) — but a recall request (13) goes from the
   * sender to the organs the document was addressed to.
   */
  private async targetsOf(read: ReadEnvelope): Promise<string[]> {
    if (read.document) return read.document.toOrgans;
    const stream = exchangeStream(read.documentId);
    const { state } = await aggregateStream(this.deps.store, stream, exchangeDecider, this.cache);
    if (read.status!.statusCode !== '13') return [state.senderOrgan ?? read.status!.toOrgan];
    if (state.recipients.length === 0) {
      throw new ExchangeStatusInvalidError(
        read.documentId,
        '13',
        'a recall of a document this hub has not seen',
      );
    }
    return state.recipients;
  }

  private async accept(
    message: ExchangeMessageAcceptedData,
    routes: RouteData[],
    actor: Actor,
  ): Promise<Receipt> {
    const { documentId, messageKey } = message;
    const result = await this.run(documentId, actor, (meta) => ({
      type: 'AcceptMessage',
      data: { message, routes },
      meta,
    }));
    const recorded = result.state.messages[messageKey]!;
    const envelopeBytes =
      message.envelope.xml !== undefined ? Buffer.from(message.envelope.xml, 'utf8') : undefined;
    for (const route of recorded.routes) {
      if (route.action !== 'forward' || recorded.forwarded.includes(route.hubId)) continue;
      if (recorded.refusedBy.includes(route.hubId)) continue;
      // a message taken in again (a redelivery) keeps its count of attempts, and with it its backoff
      const attempt = (recorded.attempts[route.hubId] ?? 0) + 1;
      if (result.events.length === 0 && attempt > 1) continue; // its retry is already due in the outbox
      const outbound = {
        documentId,
        messageKey,
        hubId: route.hubId,
        envelopeSha256: message.envelope.sha256,
        bytes: envelopeBytes,
      };
      for (const listener of this.listeners) listener(outbound, attempt);
    }
    this.log.info(
      {
        documentId,
        kind: message.kind,
        duplicate: result.events.length === 0,
        routes: recorded.routes.length,
      },
      'exchange message taken in',
    );
    return {
      documentId,
      messageKey,
      kind: message.kind,
      duplicate: result.events.length === 0,
      routes: recorded.routes,
      ...(result.position !== undefined ? { position: result.position } : {}),
    };
  }

  /**
   * The bytes of a message's envelope as this hub took it in: from its event when it travels there,
   * else from the envelope store (checked against the hash the event names).
   */
  async envelopeOf(documentId: string, messageKey: string): Promise<Buffer | undefined> {
    let events: RecordedEvent[];
    try {
      events = await this.deps.store.readStream(exchangeStream(documentId));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return undefined;
      throw error;
    }
    const accepted = events.find(
      (e) =>
        e.type === 'ExchangeMessageAccepted' &&
        (e.data as ExchangeMessageAcceptedData).messageKey === messageKey,
    );
    if (!accepted) return undefined;
    const envelope = (accepted.data as ExchangeMessageAcceptedData).envelope;
    if (envelope.xml !== undefined) return Buffer.from(envelope.xml, 'utf8');
    const bytes = await this.deps.blobs.get(envelope.sha256);
    return bytes && sha256Hex(bytes) === envelope.sha256 ? bytes : undefined;
  }

  /** The next hub acknowledged a message. */
  async recordForwarded(message: OutboundMessage, attempt: number, duplicate: boolean): Promise<void> {
    const { documentId, messageKey, hubId } = message;
    await this.run(documentId, { kind: 'system', id: `hub:${this.deps.selfHubId}` }, (meta) => ({
      type: 'RecordForwarded',
      data: { documentId, messageKey, hubId, attempt, duplicate },
      meta,
    }));
  }

  /** A delivery attempt failed; `retryAt` absent when the next hub refused for good. */
  async recordFailed(
    message: OutboundMessage,
    failure: { attempt: number; code: string; reason: string; permanent: boolean; retryAt?: Date },
  ): Promise<void> {
    const { documentId, messageKey, hubId } = message;
    await this.run(documentId, { kind: 'system', id: `hub:${this.deps.selfHubId}` }, (meta) => ({
      type: 'RecordDeliveryFailed',
      data: {
        documentId,
        messageKey,
        hubId,
        attempt: failure.attempt,
        code: failure.code,
        reason: failure.reason.slice(0, 500),
        permanent: failure.permanent,
        ...(failure.retryAt ? { retryAt: failure.retryAt.toISOString() } : {}),
      },
      meta,
    }));
  }

  /** Records a refusal; a failure to record is logged, never thrown over the refusal itself. */
  private async refuse(
    error: HubError,
    context: {
      via: MessageVia;
      stage: 'send' | 'receive';
      envelope: { sha256: string; size: number };
      read?: ReadEnvelope;
    },
    actor: Actor,
  ): Promise<void> {
    const reason =
      typeof (error as { reason?: unknown }).reason === 'string'
        ? (error as unknown as { reason: string }).reason
        : error.message;
    const data: ExchangeMessageRefusedData = {
      ...(context.read ? { documentId: context.read.documentId, fromOrgan: context.read.fromOrgan } : {}),
      stage: context.stage,
      code: error.code,
      reason: reason.slice(0, 500),
      via: context.via,
      envelope: context.envelope,
    };
    const stream = context.read
      ? exchangeStream(context.read.documentId)
      : refusalStream(localDateOf(this.clock()));
    try {
      const meta = newCommandMeta({ actor, correlationId: this.ids() }, this.clock, this.ids);
      await handleCommand(
        this.deps.store,
        stream,
        exchangeDecider,
        { type: 'RecordRefusal', data, meta },
        {
          maxAttempts: 5,
        },
      );
      this.log.warn(
        { code: error.code, stage: context.stage, envelopeSha256: context.envelope.sha256 },
        'envelope refused',
      );
    } catch (recordError) {
      this.log.error({ err: recordError, code: error.code }, 'could not record an envelope refusal');
    }
  }

  private run(
    documentId: string,
    actor: Actor,
    command: (meta: ReturnType<typeof newCommandMeta>) => ExchangeCommand,
  ) {
    const meta = newCommandMeta({ actor, correlationId: this.ids() }, this.clock, this.ids);
    const stream = exchangeStream(documentId);
    return this.serialised(stream, () =>
      handleCommand(this.deps.store, stream, exchangeDecider, () => command(meta), {
        cache: this.cache,
        maxAttempts: 5,
      }),
    );
  }

  /**
   * Runs the commands of one stream in this process one after another (the envelopes of a batch,
   * the answers of one request often share a document), so they do not race each other for the
   * stream's revision; other processes' appends are still met by the decider kit's retry.
   */
  private serialised<T>(stream: string, work: () => Promise<T>): Promise<T> {
    const before = this.tails.get(stream) ?? Promise.resolve();
    const result = before.then(work, work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(stream, tail);
    void tail.then(() => {
      if (this.tails.get(stream) === tail) this.tails.delete(stream);
    });
    return result;
  }
}

/**
 * Errors that refuse an envelope (its content, its signature, its place on the trail): recorded and
 * final for the sender. Anything else (the store busy, a registry not caught up) is not a refusal:
 * nothing is recorded and the sender retries.
 */
export function isRefusal(error: HubError): boolean {
  return error.status < 500 && isRefusalCode(error.code);
}

/** Whether an error code refuses the envelope itself (final for the hub that sent it). */
export const isRefusalCode = (code: string): boolean =>
  REFUSAL_PREFIXES.some((prefix) => code.startsWith(prefix));

const REFUSAL_PREFIXES = [
  'EXCHANGE_XML_',
  'EXCHANGE_ENVELOPE_INVALID',
  'EXCHANGE_ATTACHMENT_',
  'EXCHANGE_SIGNATURE_INVALID',
  'EXCHANGE_SECRET_DOCUMENT',
  'EXCHANGE_DOCUMENT_CONFLICT',
  'EXCHANGE_STATUS_INVALID',
  'EXCHANGE_ORGAN_NOT_SERVED',
  'EXCHANGE_NO_ROUTE',
  'AUTH_FORBIDDEN',
];
