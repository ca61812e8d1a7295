import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type SchemaObject, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { SchemaLoadError } from '../../kernel/errors/index.js';
import type { SubjectKind } from '../../privacy/pseudonym.js';

export const DATASETS_DIR = fileURLToPath(new URL('../../../schemas/datasets', import.meta.url));

/** A shared dataset, read from schemas/datasets/<name>.schema.json. */
export interface DatasetDefinition {
  name: string;
  description: string;
  /** Field whose value identifies the record. */
  key: string;
  /** Field identifying the data subject (a person), if the records are about people. */
  subject?: { field: string; kind: SubjectKind };
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
      | { key?: string; subject?: { field: string; kind: SubjectKind }; identity?: unknown }
      | undefined;
    const properties = (schema.properties ?? {}) as Record<string, SchemaObject>;
    if (schema.title !== name) throw new SchemaLoadError(full, `title must be ${name}`);
    if (!meta?.key || !properties[meta.key])
      throw new SchemaLoadError(full, 'x-dataset.key must name a property');
    if (meta.subject && !properties[meta.subject.field]) {
      throw new SchemaLoadError(full, 'x-dataset.subject.field must name a property');
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
    out.set(name, {
      name,
      description: String(schema.description ?? ''),
      key: meta.key,
      subject: meta.subject,
      identity: identity as string[],
      fields,
      personalFields: new Set(fields.filter((f) => properties[f]!['x-personal'] === true)),
      descriptions: Object.fromEntries(fields.map((f) => [f, String(properties[f]!.description ?? '')])),
      schema,
      validate,
    });
  }
  return out;
}
