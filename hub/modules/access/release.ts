import type { Logger } from 'pino';
import { type Clock, systemClock } from '../../kernel/clock.js';
import {
  AccessNotRecordedError,
  ApiBadInputError,
  AuthForbiddenError,
  apiCode,
  FieldNotInContractError,
  HubError,
  NoContractError,
  PurposeNotAllowedError,
  SubjectErasedError,
} from '../../kernel/errors/index.js';
import { type IdSource, randomId } from '../../kernel/ids.js';
import { moduleLogger } from '../../kernel/logger.js';
import { buildMetadata } from '../../kernel/metadata.js';
import type { Principal } from '../../kernel/principal.js';
import type { ReadModelDb, SqlStatement } from '../../kernel/read-model.js';
import type { SubjectKeyStore } from '../../privacy/key-store.js';
import type { Pseudonymizer } from '../../privacy/pseudonym.js';
import { ReadModelChanges } from '../../projections/changes.js';
import { type ConsentReadModel, type ConsentService, requireConsent } from '../consent/index.js';
import type { ContractView, FindContracts } from '../contracts/index.js';
import { type DatasetDefinition, openRecord, type RecordRow, recordsProjection } from '../records/index.js';
import {
  type AccessCaller,
  type AccessRequestData,
  accessStream,
  type DataAccessDenied,
  type DataAccessed,
  type ValueSource,
} from './events.js';
import type { AccessInputRules } from './limits.js';
import type { AccessRateLimiter, RateLimit } from './rate-limit.js';
import type { AccessRecorder } from './recorder.js';

export interface ReleaseDeps {
  readModels: ReadModelDb;
  findContracts: FindContracts;
  consents: ConsentReadModel;
  consentService: Pick<ConsentService, 'verify'>;
  datasets: ReadonlyMap<string, DatasetDefinition>;
  keys: SubjectKeyStore;
  pseudonymize: Pseudonymizer;
  recorder: AccessRecorder;
  rateLimiter: AccessRateLimiter;
  /** What a caller may name (purpose, dossier), from the access events' schemas. */
  input: AccessInputRules;
  /** Requests refused before any contract applied, per calling agency. */
  refusalRateLimit: RateLimit;
  logger: Logger;
  clock?: Clock;
  /** Ids of the access events. Default random UUIDs. */
  ids?: IdSource;
}

export interface ReleaseRequest {
  principal: Principal;
  dataset: string;
  /** The citizen's personal ID number as the caller typed it; only its pseudonym goes further. */
  personalId: string;
  purpose: string;
  dossier: string | null;
  fields: string[];
  requestId: string;
}

export interface Release {
  accessId: string;
  subject: string;
  values: Record<string, unknown>;
  fields: string[];
  contract: { id: string; version: number };
  consentId: string | null;
  sources: ValueSource[];
}

/** Raised inside a release decision: the caller's error plus what the denial record should name. */
class Denied extends Error {
  constructor(
    readonly error: HubError,
    readonly contract: ContractView | null,
    readonly consentId: string | null,
  ) {
    super(error.message);
  }
}

/** Default limit on refused requests of an agency that no contract applies to. */
export const DEFAULT_REFUSAL_RATE_LIMIT: RateLimit = { requests: 60, perSeconds: 60 };

const PERSONAL_ID = /^[0-9]{12}$/;

/**
 * Decides and records releases of personal data: the fields asked for must be in a contract in
 * force for the caller's agency and purpose, and, where the contract says so, in an active consent
 * of the citizen. Every release appends DataAccessed, and every refusal DataAccessDenied, to the
 * citizen's access stream before the caller sees anything.
 */
export class ReleaseService {
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly ids: IdSource;
  private readonly selectRecord: SqlStatement;
  /** Record rows as stored (personal fields still sealed), memoized until the records model changes. */
  private readonly recordRow: (key: { dataset: string; subject: string }) => RecordRow | undefined;

  constructor(private readonly deps: ReleaseDeps) {
    this.log = moduleLogger(deps.logger, 'release');
    this.clock = deps.clock ?? systemClock;
    this.ids = deps.ids ?? randomId;
    recordsProjection.open(deps.readModels);
    this.selectRecord = deps.readModels.prepare(
      'SELECT * FROM records WHERE dataset = ? AND record_key = ? AND deleted = 0',
    );
    this.recordRow = ReadModelChanges.of(deps.readModels).memo(
      recordsProjection.name,
      (k) => `${k.dataset}\u0000${k.subject}`,
      (k) => this.selectRow(k.dataset, k.subject),
    );
  }

  async release(req: ReleaseRequest): Promise<Release | null> {
    const def = this.deps.datasets.get(req.dataset);
    if (!def?.subject) throw new ApiBadInputError(`unknown personal dataset ${req.dataset}`);
    if (!PERSONAL_ID.test(req.personalId)) {
      throw new ApiBadInputError('personalId must be 12 digits', { field: 'personalId' });
    }
    const subject = this.deps.pseudonymize(def.subject.kind, req.personalId);
    const caller: AccessCaller = {
      agency: req.principal.agency,
      official: req.principal.official,
      role: req.principal.role,
      tokenId: req.principal.tokenId,
    };
    const now = this.clock();
    let contract: ContractView;
    let consentId: string | null;
    try {
      ({ contract, consentId } = await this.decide(req, subject, now));
    } catch (error) {
      if (!(error instanceof Denied)) throw error;
      await this.recordDenial(req, caller, subject, error, now);
      throw error.error;
    }
    const row = this.recordRow({ dataset: def.name, subject });
    const opened = row && this.open(def, row);
    if (!row || !opened) {
      await this.recordDenial(req, caller, subject, new Denied(notFound, contract, consentId), now);
      return null;
    }
    const sources = req.fields.map((field) => ({
      field,
      eventId: row.eventId,
      stream: row.stream,
      revision: row.revision,
    }));
    const accessId = this.ids();
    const event: DataAccessed = {
      id: accessId,
      type: 'DataAccessed',
      // Object.assign, not `{ ...requestData(…), contract, … }`: on Node 20 a spread followed by more
      // properties gives every object a hidden class of its own, and each release is validated,
      // stored and serialized field by field.
      data: Object.assign(requestData(req, caller, subject), {
        contract: { id: contract.contractId, version: contract.version },
        consentId,
        sources,
      }),
      metadata: this.metadata(req, caller, now),
    };
    await this.record(subject, event);
    const values: Record<string, unknown> = {};
    for (const field of req.fields) values[field] = opened[field] ?? null;
    return {
      accessId,
      subject,
      values,
      fields: req.fields,
      contract: event.data.contract,
      consentId,
      sources,
    };
  }

  /**
   * Every request counts against a rate limit, refused ones too: those refused before a contract
   * applied against the agency's refusal limit, the others against their contract's. A caller over
   * the limit is refused with RATE_LIMITED instead.
   */
  private async decide(req: ReleaseRequest, subject: string, now: Date) {
    let contract: ContractView;
    try {
      contract = this.contractFor(req, now);
    } catch (error) {
      if (!(error instanceof Denied)) throw error;
      const bucket = error.contract
        ? contractBucket(error.contract)
        : `refusals\u0000${req.principal.agency}`;
      const limit = error.contract?.rateLimit ?? this.deps.refusalRateLimit;
      this.take(bucket, limit, error.contract);
      throw error;
    }
    this.take(contractBucket(contract), contract.rateLimit, contract);
    if (!contract.consentRequired) return { contract, consentId: null };
    try {
      const consent = await requireConsent(this.deps.consents, this.deps.consentService, {
        subject,
        consumer: req.principal.agency,
        dataset: req.dataset,
        purpose: req.purpose,
        dossier: req.dossier,
        fields: req.fields,
        now: now.toISOString(),
      });
      return { contract, consentId: consent.consentId };
    } catch (error) {
      if (!(error instanceof HubError)) throw error;
      const considered = (error as { consentId?: unknown }).consentId;
      throw new Denied(error, contract, typeof considered === 'string' ? considered : null);
    }
  }

  private take(bucket: string, limit: RateLimit, contract: ContractView | null): void {
    try {
      this.deps.rateLimiter.take(bucket, limit, contract?.contractId ?? null);
    } catch (error) {
      throw new Denied(error as HubError, contract, null);
    }
  }

  /** The contract a request is decided under, or the refusal (before any rate limit is counted). */
  private contractFor(req: ReleaseRequest, now: Date): ContractView {
    for (const name of ['purpose', 'dossier'] as const) {
      const issue = req[name] === null ? undefined : this.deps.input[name](req[name]);
      if (issue) {
        const error = new ApiBadInputError(`${name}${issue.at} ${issue.message}`, {
          field: `${name}${issue.at}`,
          limit: issue.limit,
        });
        throw new Denied(error, null, null);
      }
    }
    if (req.principal.role !== 'consumer') {
      throw new Denied(
        new AuthForbiddenError('only consumer agencies receive personal data', ['consumer']),
        null,
        null,
      );
    }
    if (req.fields.length === 0) {
      throw new Denied(new ApiBadInputError('select at least one field', { field: 'person' }), null, null);
    }
    const inForce = this.deps
      .findContracts({ consumer: req.principal.agency, dataset: req.dataset, on: now })
      .filter((c) => c.status === 'active');
    if (inForce.length === 0)
      throw new Denied(new NoContractError(req.principal.agency, req.dataset), null, null);
    const forPurpose = inForce.filter((c) => c.purposes.includes(req.purpose));
    if (forPurpose.length === 0)
      throw new Denied(new PurposeNotAllowedError(req.purpose, req.dataset), null, null);
    const missing = (c: ContractView) => req.fields.filter((f) => !c.fields.includes(f));
    const contract = [...forPurpose].sort((a, b) => missing(a).length - missing(b).length)[0]!;
    if (missing(contract).length > 0) {
      throw new Denied(new FieldNotInContractError(contract.contractId, missing(contract)), contract, null);
    }
    return contract;
  }

  private selectRow(dataset: string, subject: string): RecordRow | undefined {
    const raw = this.selectRecord.get(dataset, subject) as Record<string, unknown> | undefined;
    if (!raw) return undefined;
    return {
      dataset,
      recordKey: String(raw.record_key),
      subject: raw.subject as string | null,
      version: raw.version as string | null,
      fields: JSON.parse(String(raw.fields)),
      sealed: raw.sealed ? JSON.parse(String(raw.sealed)) : null,
      deleted: false,
      eventId: String(raw.event_id),
      stream: String(raw.stream),
      revision: Number(raw.revision),
      position: Number(raw.position),
      source: raw.source ? JSON.parse(String(raw.source)) : null,
      updatedAt: String(raw.updated_at),
    };
  }

  private open(def: DatasetDefinition, row: RecordRow): Record<string, unknown> | undefined {
    try {
      return openRecord(def, row, this.deps.keys).values;
    } catch (error) {
      if (error instanceof SubjectErasedError) return undefined;
      throw error;
    }
  }

  private metadata(req: ReleaseRequest, caller: AccessCaller, now: Date) {
    return buildMetadata({
      occurredAt: now,
      actor: { kind: 'agency', id: caller.agency, official: caller.official },
      correlationId: req.requestId,
    });
  }

  private async record(subject: string, event: DataAccessed | DataAccessDenied): Promise<void> {
    try {
      const stream = accessStream(subject);
      if (event.type === 'DataAccessed') await this.deps.recorder.released(stream, event);
      else await this.deps.recorder.denied(stream, event);
    } catch (error) {
      this.log.error({ err: error, type: event.type }, 'access record not written');
      throw new AccessNotRecordedError(error instanceof HubError ? error.code : 'store error');
    }
  }

  private async recordDenial(
    req: ReleaseRequest,
    caller: AccessCaller,
    subject: string,
    denied: Denied,
    now: Date,
  ): Promise<void> {
    const { recordable } = this.deps.input;
    const truncated: ('purpose' | 'dossier')[] = [];
    const cut = (name: 'purpose' | 'dossier', value: string) => {
      const chars = [...value];
      if (chars.length <= recordable[name]) return value;
      truncated.push(name);
      return chars.slice(0, recordable[name]).join('');
    };
    const data = requestData(req, caller, subject);
    data.purpose = cut('purpose', data.purpose);
    if (data.dossier !== null) data.dossier = cut('dossier', data.dossier);
    const event: DataAccessDenied = {
      id: this.ids(),
      type: 'DataAccessDenied',
      data: {
        ...data,
        ...(truncated.length > 0 ? { truncated } : {}),
        reason: denialCode(denied.error),
        contract: denied.contract && { id: denied.contract.contractId, version: denied.contract.version },
        consentId: denied.consentId,
      },
      metadata: this.metadata(req, caller, now),
    };
    await this.record(subject, event);
  }
}

const notFound = new ApiBadInputError('no such record');
const contractBucket = (c: ContractView) => `contract\u0000${c.contractId}\u0000${c.consumer}`;

const requestData = (req: ReleaseRequest, caller: AccessCaller, subject: string): AccessRequestData => ({
  caller,
  subject,
  dataset: req.dataset,
  fields: req.fields,
  purpose: req.purpose,
  dossier: req.dossier,
  requestId: req.requestId,
});

/** The code recorded for a refusal: the one the caller sees in `extensions.code`. */
function denialCode(error: HubError): string {
  return error === notFound ? 'NOT_FOUND' : apiCode(error);
}
