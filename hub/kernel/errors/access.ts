import { defineError, noDetails } from './base.js';

// ── Data access (releases of personal data) ────────────────────────────────────────────────────

/** The caller's agency holds no contract in force for the dataset. */
export class NoContractError extends defineError({
  code: 'ACCESS_NO_CONTRACT',
  status: 403,
  args: (consumer: string, dataset: string) => ({ consumer, dataset }),
  message: (d) => `agency ${d.consumer} holds no contract in force for dataset ${d.dataset}`,
}) {}

export class PurposeNotAllowedError extends defineError({
  code: 'ACCESS_PURPOSE_NOT_ALLOWED',
  status: 403,
  args: (purpose: string, dataset: string) => ({ purpose, dataset }),
  message: (d) => `no contract allows dataset ${d.dataset} for purpose ${d.purpose}`,
}) {}

export class FieldNotInContractError extends defineError({
  code: 'ACCESS_FIELD_NOT_IN_CONTRACT',
  status: 403,
  args: (contractId: string, fields: string[]) => ({ contractId, fields }),
  message: (d) => `contract ${d.contractId} does not cover field(s) ${d.fields.join(', ')}`,
}) {}

/** The caller used up a rate limit: its contract's, or (`contractId` null) the one on refused requests. */
export class RateLimitedError extends defineError({
  code: 'ACCESS_RATE_LIMITED',
  status: 429,
  retryable: true,
  args: (contractId: string | null, retryAfterSeconds: number) => ({ contractId, retryAfterSeconds }),
  message: (d) =>
    `${d.contractId ? `rate limit of contract ${d.contractId}` : 'rate limit on refused requests'} reached; retry in ${d.retryAfterSeconds}s`,
}) {}

/** The DataAccessed record could not be written, so nothing was released. */
export class AccessNotRecordedError extends defineError({
  code: 'ACCESS_NOT_RECORDED',
  status: 503,
  retryable: true,
  args: (reason: string) => ({ reason }),
  message: (d) => `the access could not be recorded, so no data was released: ${d.reason}`,
  expose: noDetails,
}) {}

/** A record asked for by its subject, in a dataset where a person has one, was found more than once. */
export class RecordAmbiguousError extends defineError({
  code: 'ACCESS_RECORD_AMBIGUOUS',
  status: 409,
  args: (dataset: string, count: number, keyField: string) => ({ dataset, count, keyField }),
  message: (d) =>
    `the hub holds ${d.count} ${d.dataset} records of this citizen: ask for one by ${d.keyField}`,
}) {}
