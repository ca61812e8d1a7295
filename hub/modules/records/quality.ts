import type { ValidateFunction } from 'ajv/dist/2020.js';
import { compileSchema } from '../../kernel/documents.js';
import { SchemaLoadError } from '../../kernel/errors/index.js';

/**
 * A dataset's data-quality thresholds and what its records carry for them (`x-dataset.quality`,
 * schema `schemas/dataset-quality.schema.json`), defaults applied. A threshold of `null` is off.
 */
export interface DatasetQualitySettings {
  /** Least share of a source's current rows that are valid (imported, not dead-lettered). */
  minValidShare: number | null;
  /** Least share of a source's current rows holding each required field. */
  minRequiredShare: number | null;
  /** Least share of a source's current records holding an optional field, by field. */
  minOptionalShare: Readonly<Record<string, number>>;
  /** Optional personal fields whose presence record events never name (it is itself personal). */
  untracked: ReadonlySet<string>;
  /** Greatest share of a source's current records that are duplicates. */
  maxDuplicateShare: number | null;
  /** Greatest share of a source's compared records that disagree with the citizen's other records. */
  maxConflictShare: number | null;
  /** Fields compared across a citizen's records → the attribute each holds. */
  compare: Readonly<Record<string, string>>;
  /** Greatest time since the last successful run of a source. */
  maxSyncAgeHours: number | null;
  /** Greatest time between a source's last successful run and the newest change it had seen. */
  maxSourceLagHours: number | null;
}

export const QUALITY_DEFAULTS = {
  minValidShare: 0.99,
  minRequiredShare: 0.99,
  maxDuplicateShare: 0.001,
  maxConflictShare: 0.001,
  maxSyncAgeHours: 26,
  maxSourceLagHours: 168,
} as const;

interface RawQuality {
  correct?: { minValidShare?: number | null };
  complete?: {
    minRequiredShare?: number | null;
    minOptionalShare?: Record<string, number>;
    untracked?: string[];
  };
  clean?: {
    maxDuplicateShare?: number | null;
    maxConflictShare?: number | null;
    compare?: Record<string, string>;
  };
  live?: { maxSyncAgeHours?: number | null; maxSourceLagHours?: number | null };
}

let validator: ValidateFunction | undefined;

/** What of a dataset definition its quality settings are checked against. */
interface DatasetShape {
  fields: readonly string[];
  required: ReadonlySet<string>;
  personal: ReadonlySet<string>;
  identity: readonly string[];
  subjectField: string | undefined;
}

const pick = <T>(value: T | null | undefined, fallback: T): T | null =>
  value === undefined ? fallback : value;

/**
 * The quality settings of a dataset from its `x-dataset.quality` (absent: every default). Throws
 * `SchemaLoadError` naming the file and the setting when the settings break their schema or name a
 * field the dataset does not have, or a required field where an optional one is meant.
 */
export function datasetQualitySettings(
  file: string,
  raw: unknown,
  shape: DatasetShape,
): DatasetQualitySettings {
  validator ??= compileSchema('dataset-quality.schema.json');
  const value = (raw ?? {}) as RawQuality;
  if (!validator(value)) {
    const e = validator.errors![0]!;
    throw new SchemaLoadError(file, `x-dataset.quality${e.instancePath.replaceAll('/', '.')}: ${e.message}`);
  }
  const fail = (at: string, message: string): never => {
    throw new SchemaLoadError(file, `x-dataset.quality.${at}: ${message}`);
  };
  const optional = (at: string, field: string) => {
    if (!shape.fields.includes(field)) fail(at, `${field} is not a field of the dataset`);
    if (shape.required.has(field)) fail(at, `${field} is required, not optional`);
  };
  const minOptionalShare = value.complete?.minOptionalShare ?? {};
  for (const field of Object.keys(minOptionalShare)) optional('complete.minOptionalShare', field);
  const untracked = new Set(value.complete?.untracked ?? []);
  for (const field of untracked) {
    optional('complete.untracked', field);
    if (!shape.personal.has(field))
      fail(
        'complete.untracked',
        `${field} is not personal: its presence shows in the record's fields anyway`,
      );
    if (minOptionalShare[field] !== undefined)
      fail(
        'complete.untracked',
        `${field} has a threshold (minOptionalShare) but its presence is not recorded`,
      );
  }
  const compare =
    value.clean?.compare ??
    Object.fromEntries(shape.identity.filter((f) => f !== shape.subjectField).map((f) => [f, f]));
  for (const field of Object.keys(compare)) {
    if (!shape.fields.includes(field)) fail('clean.compare', `${field} is not a field of the dataset`);
    if (field === shape.subjectField)
      fail('clean.compare', `${field} is the subject field: it is equal by definition`);
  }
  const d = QUALITY_DEFAULTS;
  return {
    minValidShare: pick(value.correct?.minValidShare, d.minValidShare),
    minRequiredShare: pick(value.complete?.minRequiredShare, d.minRequiredShare),
    minOptionalShare,
    untracked,
    maxDuplicateShare: pick(value.clean?.maxDuplicateShare, d.maxDuplicateShare),
    maxConflictShare: pick(value.clean?.maxConflictShare, d.maxConflictShare),
    compare,
    maxSyncAgeHours: pick(value.live?.maxSyncAgeHours, d.maxSyncAgeHours),
    maxSourceLagHours: pick(value.live?.maxSourceLagHours, d.maxSourceLagHours),
  };
}
