import type { Logger } from 'pino';
import { type Clock, systemClock } from '../../kernel/clock.js';
import {
  AccessNotRecordedError,
  ApiBadInputError,
  apiCode,
  ConsentRequiredError,
  HubError,
  RecordAmbiguousError,
  SubjectErasedError,
} from '../../kernel/errors/index.js';
import { deterministicId, type IdSource, randomId } from '../../kernel/ids.js';
import { addLocalDays, localDateOf } from '../../kernel/local-date.js';
import { moduleLogger } from '../../kernel/logger.js';
import { buildMetadata } from '../../kernel/metadata.js';
import type { Principal } from '../../kernel/principal.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import type { SubjectKeyStore } from '../../privacy/key-store.js';
import type { Pseudonymizer } from '../../privacy/pseudonym.js';
import type { ConsentReadModel, ConsentService } from '../consent/index.js';
import type { FindContracts } from '../contracts/index.js';
import { type DatasetDefinition, openRecord, type RecordRow } from '../records/index.js';
import { type Decision, Denied, ReleaseDecider } from './decision.js';
import {
  type AccessCaller,
  type AccessRequestData,
  accessStream,
  type DataAccessDenied,
  type DataAccessed,
  type DisclosureDeferred,
  type ValueSource,
} from './events.js';
import type { AccessInputRules } from './limits.js';
import { checkPersonalId, type PersonalDataset, RecordLookup } from './lookup.js';
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

/** What every request for personal data names: who asks, from which dataset, which fields, why. */
export interface ReleaseQuery {
  principal: Principal;
  dataset: string;
  purpose: string;
  dossier: string | null;
  /** Top-level fields of the dataset asked for. */
  fields: string[];
  requestId: string;
  /** Where the caller selected the fields (the API field), named when none is selected. Default `fields`. */
  selection?: string;
}

/** A record asked for by the dataset's key, as the caller typed it. */
export interface ReleaseByKey extends ReleaseQuery {
  key: string;
}

/** Records asked for by the citizen they are about. */
export interface ReleaseOfSubject extends ReleaseQuery {
  /** The citizen's personal ID number as the caller typed it; only its pseudonym goes further. */
  personalId: string;
}

/** One record released: the values asked for and how the release was recorded. */
export interface Release {
  accessId: string;
  subject: string;
  values: Record<string, unknown>;
  fields: string[];
  contract: { id: string; version: number };
  consentId: string | null;
  sources: ValueSource[];
}

/** Default limit on refused requests of an agency that no contract applies to. */
export const DEFAULT_REFUSAL_RATE_LIMIT: RateLimit = { requests: 60, perSeconds: 60 };

/**
 * Decides and records releases of personal data from any dataset about people, a record asked for
 * by its key or the records of a citizen. The fields asked for must be in a contract in force for
 * the caller's agency and purpose and, where the contract says so, in an active consent of the
 * citizen the record is about (for a record asked for by key, the subject the record names: a
 * business's legal representative, a parcel's land user). Every record released appends
 * DataAccessed, and every refusal DataAccessDenied, to that citizen's access stream before the
 * caller sees anything.
 */
export class ReleaseService {
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly ids: IdSource;
  private readonly lookup: RecordLookup;
  private readonly decider: ReleaseDecider;

  constructor(private readonly deps: ReleaseDeps) {
    this.log = moduleLogger(deps.logger, 'release');
    this.clock = deps.clock ?? systemClock;
    this.ids = deps.ids ?? randomId;
    this.lookup = new RecordLookup(deps.readModels, deps.datasets, deps.pseudonymize);
    this.decider = new ReleaseDecider(deps);
  }

  /**
   * The record under a key (`enterpriseCode` of a business, `personalId` of a citizen's record),
   * or null when the hub holds none. When no record names a citizen, the request is still decided
   * against the contracts, so it learns nothing a refusal would not tell, and nothing is recorded:
   * there is no citizen's stream to record it on.
   */
  async releaseRecord(req: ReleaseByKey): Promise<Release | null> {
    const def = this.lookup.personal(req.dataset);
    this.lookup.checkKey(def, req.key);
    if (def.key === def.subject.field) {
      const subject = this.lookup.subjectOf(def, req.key);
      return this.releaseOne(req, def, subject, () => this.lookup.ofSubject(def, subject));
    }
    const row = this.lookup.byKey(def, req.key);
    if (!row?.subject) return this.decideWithoutRecord(req);
    const subject = row.subject;
    return this.releaseOne(req, def, subject, () => [row]);
  }

  /** Every record about the citizen (none: an empty list, recorded as NOT_FOUND). */
  async releaseRecordsOfSubject(req: ReleaseOfSubject): Promise<Release[]> {
    const def = this.lookup.personal(req.dataset);
    checkPersonalId(req.personalId);
    const subject = this.lookup.subjectOf(def, req.personalId);
    return this.releaseFor(req, def, subject, () => this.lookup.ofSubject(def, subject));
  }

  /**
   * The one record about the citizen in a dataset where a person has at most one
   * (`x-dataset.subject.unique`); several are refused as ACCESS_RECORD_AMBIGUOUS.
   */
  async releaseRecordOfSubject(req: ReleaseOfSubject): Promise<Release | null> {
    const def = this.lookup.personal(req.dataset);
    checkPersonalId(req.personalId);
    const subject = this.lookup.subjectOf(def, req.personalId);
    return this.releaseOne(req, def, subject, () => this.lookup.ofSubject(def, subject));
  }

  private async releaseOne(
    req: ReleaseQuery,
    def: PersonalDataset,
    subject: string,
    rows: () => RecordRow[],
  ): Promise<Release | null> {
    const [release] = await this.releaseFor(req, def, subject, rows, 1);
    return release ?? null;
  }

  /** Decides, opens the records and records each release (or the refusal) on the subject's stream. */
  private async releaseFor(
    req: ReleaseQuery,
    def: PersonalDataset,
    subject: string,
    rows: () => RecordRow[],
    atMost = Number.POSITIVE_INFINITY,
  ): Promise<Release[]> {
    const caller = callerOf(req.principal);
    const now = this.clock();
    let decision: Decision;
    try {
      decision = await this.decider.decide(req, subject, now);
    } catch (error) {
      if (!(error instanceof Denied)) throw error;
      await this.recordDenial(req, caller, subject, error, now);
      throw error.error;
    }
    const opened: { row: RecordRow; values: Record<string, unknown> }[] = [];
    for (const row of rows()) {
      const values = this.open(def, row);
      if (values) opened.push({ row, values });
    }
    const refuse = (error: HubError) =>
      this.recordDenial(req, caller, subject, new Denied(error, decision.contract, decision.consentId), now);
    if (opened.length === 0) {
      await refuse(notFound);
      return [];
    }
    if (opened.length > atMost) {
      const error = new RecordAmbiguousError(def.name, opened.length, def.key);
      await refuse(error);
      throw error;
    }
    return Promise.all(opened.map((o) => this.recordRelease(req, caller, subject, o, decision, now)));
  }

  /**
   * A request by key that names no citizen's record: decided against the contracts (a caller without
   * one is refused as any other), then refused as CONSENT_REQUIRED where the contract needs consent,
   * since no citizen consented, or answered null. Nothing is recorded.
   */
  private decideWithoutRecord(req: ReleaseByKey): null {
    try {
      const contract = this.decider.contractDecision(req, this.clock());
      if (contract.consentRequired) {
        throw new ConsentRequiredError(`no consent of the citizen covers purpose ${req.purpose}`);
      }
    } catch (error) {
      throw error instanceof Denied ? error.error : error;
    }
    return null;
  }

  private async recordRelease(
    req: ReleaseQuery,
    caller: AccessCaller,
    subject: string,
    { row, values: opened }: { row: RecordRow; values: Record<string, unknown> },
    decision: Decision,
    now: Date,
  ): Promise<Release> {
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
        contract: { id: decision.contract.contractId, version: decision.contract.version },
        consentId: decision.consentId,
        sources,
      }),
      metadata: this.metadata(req, caller, now),
    };
    await this.record(subject, event, deferralOf(event, decision, now));
    const values: Record<string, unknown> = {};
    for (const field of req.fields) values[field] = opened[field] ?? null;
    return {
      accessId,
      subject,
      values,
      fields: req.fields,
      contract: event.data.contract,
      consentId: decision.consentId,
      sources,
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

  private metadata(req: ReleaseQuery, caller: AccessCaller, now: Date) {
    return buildMetadata({
      occurredAt: now,
      actor: { kind: 'agency', id: caller.agency, official: caller.official },
      correlationId: req.requestId,
    });
  }

  private async record(
    subject: string,
    event: DataAccessed | DataAccessDenied,
    along: readonly DisclosureDeferred[] = [],
  ): Promise<void> {
    try {
      const stream = accessStream(subject);
      if (event.type === 'DataAccessed') await this.deps.recorder.released(stream, event, along);
      else await this.deps.recorder.denied(stream, event);
    } catch (error) {
      this.log.error({ err: error, type: event.type }, 'access record not written');
      throw new AccessNotRecordedError(error instanceof HubError ? error.code : 'store error');
    }
  }

  private async recordDenial(
    req: ReleaseQuery,
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

/** The refusal recorded when the hub holds no record; the caller gets null (or an empty list). */
const notFound = new ApiBadInputError('no such record');

const callerOf = (principal: Principal): AccessCaller => ({
  agency: principal.agency,
  official: principal.official,
  role: principal.role,
  tokenId: principal.tokenId,
});

const requestData = (req: ReleaseQuery, caller: AccessCaller, subject: string): AccessRequestData => ({
  caller,
  subject,
  dataset: req.dataset,
  fields: req.fields,
  purpose: req.purpose,
  dossier: req.dossier,
  requestId: req.requestId,
});

/** Namespace of the ids of the deferrals written with releases (UUIDv5 of the event type's URL). */
const DEFERRAL_NAMESPACE = '37a6b8e3-a4ff-5091-a94f-2c42372cc250';

/**
 * The `DisclosureDeferred` a release's contract asks for (its `citizenDisclosure` rule): the release
 * hidden from the citizen for `deferDays` Vietnam days. Its id follows from the access's, so the
 * pair is written once however often the append is retried.
 */
function deferralOf(event: DataAccessed, decision: Decision, now: Date): DisclosureDeferred[] {
  const rule = decision.contract.citizenDisclosure;
  if (!rule) return [];
  return [
    {
      id: deterministicId(DEFERRAL_NAMESPACE, event.id),
      type: 'DisclosureDeferred',
      data: {
        subject: event.data.subject,
        accessIds: [event.id],
        scope: null,
        basis: rule.basis,
        until: addLocalDays(localDateOf(now), rule.deferDays),
        decidedBy: { contract: { id: decision.contract.contractId, version: decision.contract.version } },
      },
      metadata: { ...event.metadata, causationId: event.id },
    },
  ];
}

/** The code recorded for a refusal: the one the caller sees in `extensions.code`. */
function denialCode(error: HubError): string {
  return error === notFound ? 'NOT_FOUND' : apiCode(error);
}
