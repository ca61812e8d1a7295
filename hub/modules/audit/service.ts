import { type Clock, systemClock } from '../../kernel/clock.js';
import type { Config } from '../../kernel/config.js';
import { newCommandMeta } from '../../kernel/decider/index.js';
import {
  AuditLogBehindError,
  AuditLogInconsistentError,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from '../../kernel/errors/index.js';
import type { Actor, EventStore, ExpectedRevision, RecordedEvent } from '../../kernel/event-store.js';
import { type IdSource, randomId } from '../../kernel/ids.js';
import { bundleLines } from './bundle.js';
import { type CheckpointSigner, signCheckpoint, signedNote } from './checkpoint-note.js';
import { auditCheckpointDecider, type CheckpointState } from './decider.js';
import { entryBytes } from './entries.js';
import {
  AUDIT_CHECKPOINT_STREAM,
  AUDITED_EVENT_TYPES,
  type AuditCheckpointSigned,
  type AuditCheckpointSignedData,
} from './events.js';
import { verifyInclusion } from './merkle.js';
import type { AuditLogModel } from './projection.js';
import { type VerifyReport, verifyLines } from './verify.js';

/** The log's name in its checkpoints: `<hub id>/audit` (LIENTHONG_HUB_ID). */
export const auditOrigin = (config: Config): string => `${config.exchange.hubId}/audit`;

/** Who signs the checkpoints the hub makes on its own. */
export const AUDIT_ACTOR: Actor = { kind: 'system', id: 'audit-checkpointer' };

export interface AuditServiceDeps {
  store: EventStore;
  model: AuditLogModel;
  signer: CheckpointSigner;
  /** The log's name in every checkpoint (`<hub id>/audit`). */
  origin: string;
  clock?: Clock;
  ids?: IdSource;
}

/** A checkpoint with its signed note, as the API gives it. */
export interface CheckpointView extends AuditCheckpointSignedData {
  note: string;
}

/** An entry's inclusion proof against a signed checkpoint. */
export interface InclusionProofView {
  eventId: string;
  index: number;
  treeSize: number;
  /** base64 */
  leafHash: string;
  /** The entry's bytes (canonical JSON) that the leaf hashes. */
  entry: string;
  /** The audit path, leaf side first, base64. */
  hashes: string[];
  checkpoint: CheckpointView;
  /** The citizen the entry is about (pseudonym), when it names one. */
  subject: string | null;
}

const PAGE = 1000;

/**
 * Checkpoints, proofs and bundles over the `audit-log` read model and the store. One checkpoint is
 * signed at a time in a process; across processes the stream's expected revision decides.
 */
export class AuditService {
  private readonly clock: Clock;
  private readonly ids: IdSource;
  private signed: AuditCheckpointSignedData | null = null;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: AuditServiceDeps) {
    this.clock = deps.clock ?? systemClock;
    this.ids = deps.ids ?? randomId;
  }

  get model(): AuditLogModel {
    return this.deps.model;
  }

  /** The latest checkpoint: the read model's, or one this process signed since. */
  latest(): AuditCheckpointSignedData | null {
    const stored = this.deps.model.latestCheckpoint() ?? null;
    if (!this.signed) return stored;
    return !stored || this.signed.size > stored.size ? this.signed : stored;
  }

  view(c: AuditCheckpointSignedData): CheckpointView {
    return { ...c, note: signedNote(c, Buffer.from(c.signature, 'base64'), this.deps.signer.jwk.x) };
  }

  /**
   * Signs a checkpoint over every entry the read model holds, unless the latest already covers
   * them; refuses (AUDIT_LOG_INCONSISTENT) when the tree no longer has the latest's head at its size.
   */
  checkpoint(
    actor: Actor = AUDIT_ACTOR,
  ): Promise<{ checkpoint: AuditCheckpointSignedData | null; signed: boolean }> {
    const run = this.running.then(() => this.sign(actor));
    this.running = run.catch(() => undefined);
    return run;
  }

  private async sign(
    actor: Actor,
  ): Promise<{ checkpoint: AuditCheckpointSignedData | null; signed: boolean }> {
    const { model, signer, store } = this.deps;
    for (let attempt = 1; ; attempt++) {
      const { state, expectedRevision } = await this.stream();
      const latest = state.latest;
      const size = model.size();
      if (size === 0 || (latest && size <= latest.size)) return { checkpoint: latest, signed: false };
      if (latest && model.head(latest.size).toString('base64') !== latest.rootHash) {
        throw new AuditLogInconsistentError(latest.size, 'the tree head at that size is not the signed one');
      }
      const body = {
        origin: this.deps.origin,
        size,
        rootHash: model.head(size).toString('base64'),
        at: this.clock().toISOString(),
      };
      const data = {
        ...body,
        keyId: signer.keyId,
        signature: signCheckpoint(body, signer).toString('base64'),
      };
      const meta = newCommandMeta({ actor, correlationId: this.ids() }, this.clock, this.ids);
      const events = auditCheckpointDecider.decide({ type: 'RecordAuditCheckpoint', data, meta }, state);
      if (events.length === 0) return { checkpoint: latest, signed: false };
      try {
        await store.append(AUDIT_CHECKPOINT_STREAM, events, { expectedRevision });
        this.signed = data;
        return { checkpoint: data, signed: true };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= 3) throw error;
      }
    }
  }

  /**
   * The stream's state from its last event alone: the decider's state is the latest checkpoint, so
   * folding the whole stream (one event a minute, for years) would give the same.
   */
  private async stream(): Promise<{ state: CheckpointState; expectedRevision: ExpectedRevision }> {
    try {
      const [last] = await this.deps.store.readStream(AUDIT_CHECKPOINT_STREAM, {
        direction: 'backwards',
        maxCount: 1,
      });
      const initial = auditCheckpointDecider.initialState();
      if (!last) return { state: initial, expectedRevision: 'stream_exists' };
      return {
        state: auditCheckpointDecider.evolve(initial, last as unknown as AuditCheckpointSigned),
        expectedRevision: last.revision,
      };
    } catch (error) {
      if (error instanceof StreamNotFoundError) {
        return { state: auditCheckpointDecider.initialState(), expectedRevision: 'no_stream' };
      }
      throw error;
    }
  }

  /**
   * The inclusion proof of an event against the latest checkpoint (one is signed first when the
   * event came after it); null when the event is not an entry of the log.
   */
  async proof(eventId: string): Promise<InclusionProofView | null> {
    const { model } = this.deps;
    const leaf = model.leafOf(eventId);
    if (!leaf) return null;
    let checkpoint = this.latest();
    if (!checkpoint || checkpoint.size <= leaf.index) checkpoint = (await this.checkpoint()).checkpoint;
    if (!checkpoint || checkpoint.size <= leaf.index)
      throw new AuditLogBehindError(model.size(), leaf.index + 1);
    const [event] = await this.deps.store.readAll({ fromPosition: leaf.position - 1, maxCount: 1 });
    if (!event || event.position !== leaf.position)
      throw new AuditLogBehindError(model.size(), leaf.index + 1);
    const bytes = entryBytes(event);
    const [leafHash] = model.leaves(leaf.index, leaf.index + 1);
    const hashes = model.inclusion(leaf.index, checkpoint.size);
    const root = Buffer.from(checkpoint.rootHash, 'base64');
    if (!verifyInclusion(leaf.index, checkpoint.size, leafHash!, hashes, root)) {
      throw new AuditLogInconsistentError(checkpoint.size, `entry ${leaf.index} is not in the signed tree`);
    }
    const subject = (event.data as { subject?: unknown }).subject;
    return {
      eventId: event.id,
      index: leaf.index,
      treeSize: checkpoint.size,
      leafHash: leafHash!.toString('base64'),
      entry: bytes.toString('utf8'),
      hashes: hashes.map((h) => h.toString('base64')),
      checkpoint: this.view(checkpoint),
      subject: typeof subject === 'string' ? subject : null,
    };
  }

  /** The entries' bytes from the store, in log order, at most `limit`. */
  async *entries(limit: number): AsyncGenerator<Buffer> {
    let count = 0;
    let fromPosition = 0;
    while (count < limit) {
      const page: RecordedEvent[] = await this.deps.store.readAll({
        fromPosition,
        maxCount: Math.min(PAGE, limit - count),
        filter: { eventTypes: AUDITED_EVENT_TYPES },
      });
      if (page.length === 0) return;
      for (const event of page) {
        yield entryBytes(event);
        count++;
      }
      fromPosition = page[page.length - 1]!.position;
    }
  }

  /**
   * The export bundle of the log as the read model holds it now (`bundle.ts`), line by line: its
   * first `limit` entries at most.
   */
  bundle(limit = Number.MAX_SAFE_INTEGER): AsyncGenerator<Buffer> {
    const { model, signer } = this.deps;
    const size = Math.min(limit, model.size());
    return bundleLines({
      key: signer.jwk,
      checkpoints: model.checkpoints(size),
      consistency: (first, second) => model.consistency(first, second),
      leaves: (from, to) => model.leaves(from, to),
      entries: this.entries(size),
    });
  }

  /**
   * The store checked against the signed checkpoints, as an inspector would check an export of it,
   * with the hub's own key pinned: every entry against its leaf, every signature and proof.
   */
  verifyStore(onLines?: (lines: number) => void): Promise<VerifyReport> {
    return verifyLines(withoutNewlines(this.bundle(), onLines), { keys: [this.deps.signer] });
  }
}

/** Lines as the bundle writer gives them, without their newline; `onLines` every 10,000. */
async function* withoutNewlines(lines: AsyncIterable<Buffer>, onLines?: (lines: number) => void) {
  let n = 0;
  for await (const line of lines) {
    yield line.subarray(0, line.length - 1);
    if (onLines && ++n % 10_000 === 0) onLines(n);
  }
}
