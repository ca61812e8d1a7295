import { defineError } from './base.js';

// ── Data quality (hub/modules/data-quality): figures and findings of the shared datasets ────────

/** An argument of a data-quality query or command is not usable (a page size, a cursor …). */
export class DataQualityInputError extends defineError({
  code: 'DATA_QUALITY_INVALID_INPUT',
  status: 400,
  args: (field: string, reason: string) => ({ field, reason }),
  message: (d) => `${d.field}: ${d.reason}`,
}) {}

/** A dataset name that is not one of the shared datasets (schemas/datasets/). */
export class DataQualityUnknownDatasetError extends defineError({
  code: 'DATA_QUALITY_UNKNOWN_DATASET',
  status: 404,
  args: (dataset: string, known: readonly string[]) => ({ field: 'dataset', dataset, known: [...known] }),
  message: (d) => `no dataset ${JSON.stringify(d.dataset)} (datasets: ${d.known.join(', ')})`,
}) {}
