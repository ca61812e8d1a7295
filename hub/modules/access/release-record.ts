import { AccessNotRecordedError, apiCode, HubError } from '../../kernel/errors/index.js';
import { randomId } from '../../kernel/ids.js';
import type { Principal } from '../../kernel/principal.js';
import { type ReleaseReceipt, receiptOf } from './receipt.js';
import type { Release, ReleaseService } from './release.js';

/** What a module asks for when it reads a dataset on an agency's behalf, server-side. */
export interface RecordRequest {
  /** The agency (role consumer) on whose behalf the data is read, e.g. the one handling the dossier. */
  principal: Principal;
  dataset: string;
  /** Top-level fields of the dataset. */
  fields: string[];
  /** `tthc-<procedure code>` or another purpose a contract names. */
  purpose: string;
  /** The dossier the read serves: every `DataAccessed` names it. */
  dossier: string | null;
  /** Correlates the access records with the work that caused them. Default a random id. */
  requestId?: string;
}

/** A record released: its values and how the release was recorded. */
export interface ReleasedRecord {
  values: Record<string, unknown>;
  release: ReleaseReceipt;
}

/**
 * Why nothing was released: the code a GraphQL caller would see in `extensions.code`
 * (`FIELD_NOT_IN_CONTRACT`, `CONSENT_REQUIRED`, `FORBIDDEN`, `RATE_LIMITED`, `BAD_USER_INPUT`, …),
 * or `NOT_FOUND` when the hub holds no such record. Every refusal naming a citizen is recorded as
 * `DataAccessDenied` on that citizen's access stream, as for the API.
 */
export interface Refusal {
  code: string;
  message: string;
  /** The hub's error; null for NOT_FOUND. */
  error: HubError | null;
}

export type RecordOutcome = ({ released: true } & ReleasedRecord) | { released: false; refusal: Refusal };
export type RecordsOutcome =
  | { released: true; records: ReleasedRecord[] }
  | { released: false; refusal: Refusal };

/** What the functions below need: the access module's release service (`ApiServices.release`). */
export interface ReleaseServices {
  release: ReleaseService;
}

const NOT_FOUND: Refusal = { code: 'NOT_FOUND', message: 'the hub holds no such record', error: null };

const released = (r: Release): ReleasedRecord => ({ values: r.values, release: receiptOf(r) });

/** The one record released, or NOT_FOUND. */
const outcomeOf = (release: Release | null): RecordOutcome =>
  release ? { released: true, ...released(release) } : refused(NOT_FOUND);

/**
 * Reads one record of any dataset by its key (`personalId`, `enterpriseCode`, `parcelId`, …) through
 * the same contract, consent and `DataAccessed` path as the API: the release is recorded before
 * this returns. A refusal comes back typed instead of thrown, so a caller reading several datasets
 * for one dossier can go on with the others; a failure to record (or any fault of the hub) throws.
 */
export async function releaseRecord(
  services: ReleaseServices,
  request: RecordRequest & { key: string },
): Promise<RecordOutcome> {
  return refusing(async () =>
    outcomeOf(await services.release.releaseRecord(query(request, { key: request.key }))),
  );
}

/**
 * Reads every record of a dataset about a citizen (the social insurance of a person, the businesses
 * they represent, the parcels they hold), each release recorded as its own `DataAccessed`. No
 * record is a refusal with code `NOT_FOUND`.
 */
export async function releaseRecordsOfSubject(
  services: ReleaseServices,
  request: RecordRequest & { personalId: string },
): Promise<RecordsOutcome> {
  return refusing(async () => {
    const releases = await services.release.releaseRecordsOfSubject(
      query(request, { personalId: request.personalId }),
    );
    return releases.length > 0
      ? { released: true as const, records: releases.map(released) }
      : refused(NOT_FOUND);
  });
}

/**
 * Reads the one record of a dataset about a citizen, where a person has at most one (their
 * population or civil-status record, their social insurance): the same path as `releaseRecord`,
 * found by the citizen however the dataset is keyed. Several records are refused as
 * `ACCESS_RECORD_AMBIGUOUS` (`BAD_USER_INPUT`); none is `NOT_FOUND`.
 */
export async function releaseRecordOfSubject(
  services: ReleaseServices,
  request: RecordRequest & { personalId: string },
): Promise<RecordOutcome> {
  return refusing(async () =>
    outcomeOf(
      await services.release.releaseRecordOfSubject(query(request, { personalId: request.personalId })),
    ),
  );
}

function query<T extends object>(request: RecordRequest, lookup: T) {
  return {
    principal: request.principal,
    dataset: request.dataset,
    fields: request.fields,
    purpose: request.purpose,
    dossier: request.dossier,
    requestId: request.requestId ?? `internal-${randomId()}`,
    ...lookup,
  };
}

const refused = (refusal: Refusal) => ({ released: false as const, refusal });

/** Refusals of the request become values; faults of the hub (5xx, the access not recorded) are thrown. */
async function refusing<T>(run: () => Promise<T>): Promise<T | { released: false; refusal: Refusal }> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof HubError) || error instanceof AccessNotRecordedError || error.status >= 500) {
      throw error;
    }
    return refused({ code: apiCode(error), message: error.message, error });
  }
}
