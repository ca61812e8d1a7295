import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type SchemaObject, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { SchemaLoadError } from '../../kernel/errors/index.js';
import type { SubjectKind } from '../../privacy/pseudonym.js';
import { type DatasetQualitySettings, datasetQualitySettings } from './quality.js';

export const DATASETS_DIR = fileURLToPath(new URL('../../../schemas/datasets', import.meta.url));

/** A shared dataset, read from schemas/datasets/<name>.schema.json. */
export interface DatasetDefinition {
  name: string;
  description: string;
  /** Field whose value identifies the record. */
  key: string;
  /**
   * Field identifying the data subject (a person), if the records are about people. `unique`: a
   * subject has at most one record (`x-dataset.subject.unique`), so a record may be asked for by its
   * subject as well as by its key.
   */
  subject?: { field: string; kind: SubjectKind; unique: boolean };
  /**
   * What one record is called, kebab-case (`x-dataset.singular`, default the dataset's name): the
   * API names its type and query after it (`land-parcel` → `LandParcelRecord`, `landParcel`).
   */
  singular: string;
  /**
   * Fields that tell who (or what) a record is about beyond its key (`x-dataset.identity`, e.g. a
   * person's name and date of birth): two source rows under one key that differ in any of them are
   * two different people, and a connector quarantines them instead of merging. Empty: not checked.
   */
  identity: readonly string[];
  /** Every top-level field, in schema order. */
  fields: string[];
  /** Fields marked `x-personal`: stored only sealed under the subject's key. */
  personalFields: ReadonlySet<string>;
  /** Fields every record holds (the schema's `required`). */
  requiredFields: ReadonlySet<string>;
  /** Data-quality thresholds and the fields compared across a citizen's records (`x-dataset.quality`). */
  quality: DatasetQualitySettings;
  descriptions: Record<string, string>;
  schema: SchemaObject;
  /** Validates a plaintext record; errors have JSON pointers into the record. */
  validate: ValidateFunction;
}

export function datasetAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  ajvFormats.default(ajv);
  ajv.addKeyword({ keyword: 'x-personal', schemaType: 'boolean' });
  ajv.addKeyword({ keyword: 'x-dataset', schemaType: 'object' });
  return ajv;
}

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Loads every dataset definition once. */
export function loadDatasets(dir = DATASETS_DIR): Map<string, DatasetDefinition> {
  const ajv = datasetAjv();
  const out = new Map<string, DatasetDefinition>();
  for (const file of fs.readdirSync(dir).sort()) {
    if (!file.endsWith('.schema.json')) continue;
    const full = path.join(dir, file);
    const name = file.slice(0, -'.schema.json'.length);
    let schema: SchemaObject;
    try {
      schema = JSON.parse(fs.readFileSync(full, 'utf8'));
    } catch (e) {
      throw new SchemaLoadError(full, (e as Error).message);
    }
    const meta = schema['x-dataset'] as
      | {
          key?: string;
          subject?: { field: string; kind: SubjectKind; unique?: unknown };
          identity?: unknown;
          singular?: unknown;
          quality?: unknown;
        }
      | undefined;
    const properties = (schema.properties ?? {}) as Record<string, SchemaObject>;
    if (!KEBAB.test(name))
      throw new SchemaLoadError(full, 'the file name must be <kebab-case name>.schema.json');
    if (schema.title !== name) throw new SchemaLoadError(full, `title must be ${name}`);
    if (!meta?.key || !properties[meta.key])
      throw new SchemaLoadError(full, 'x-dataset.key must name a property');
    if (meta.subject && !properties[meta.subject.field]) {
      throw new SchemaLoadError(full, 'x-dataset.subject.field must name a property');
    }
    if (meta.subject?.unique !== undefined && typeof meta.subject.unique !== 'boolean') {
      throw new SchemaLoadError(full, 'x-dataset.subject.unique must be a boolean');
    }
    const singular = meta.singular ?? name;
    if (typeof singular !== 'string' || !KEBAB.test(singular)) {
      throw new SchemaLoadError(full, 'x-dataset.singular must be kebab-case (e.g. land-parcel)');
    }
    const identity = meta.identity ?? [];
    if (!Array.isArray(identity) || identity.some((f) => typeof f !== 'string' || !properties[f])) {
      throw new SchemaLoadError(full, 'x-dataset.identity must list properties');
    }
    let validate: ValidateFunction;
    try {
      validate = ajv.compile(schema);
    } catch (e) {
      throw new SchemaLoadError(full, (e as Error).message);
    }
    const fields = Object.keys(properties);
    const personalFields = new Set(fields.filter((f) => properties[f]!['x-personal'] === true));
    const requiredFields = new Set((schema.required as string[] | undefined) ?? []);
    const quality = datasetQualitySettings(full, meta.quality, {
      fields,
      required: requiredFields,
      personal: personalFields,
      identity: identity as string[],
      subjectField: meta.subject?.field,
    });
    out.set(name, {
      name,
      description: String(schema.description ?? ''),
      key: meta.key,
      subject: meta.subject && {
        field: meta.subject.field,
        kind: meta.subject.kind,
        unique: meta.subject.unique === true || meta.subject.field === meta.key,
      },
      singular,
      identity: identity as string[],
      fields,
      personalFields,
      requiredFields,
      quality,
      descriptions: Object.fromEntries(fields.map((f) => [f, String(properties[f]!.description ?? '')])),
      schema,
      validate,
    });
  }
  return out;
}
