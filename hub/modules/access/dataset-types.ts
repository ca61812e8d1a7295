import { SchemaLoadError } from '../../kernel/errors/index.js';
import type { DatasetDefinition } from '../records/index.js';

/** A JSON Schema node of a dataset field, as far as the API reads it. */
interface FieldSchema {
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  description?: string;
  properties?: Record<string, FieldSchema>;
  items?: FieldSchema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

/** Turns a stored value into what the API type holds (enum values become GraphQL names). */
export type Convert = (value: unknown) => unknown;

/** SDL of a dataset's types and the converter of its records' values. */
export interface DatasetTypes {
  /** Name of the record type, e.g. `CivilStatusRecord`. */
  typeName: string;
  sdl: string[];
  convert: Convert;
}

/** `land-parcel` → `LandParcel`. */
const pascal = (kebab: string) =>
  kebab
    .split(/[-_\s]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');

/** `land-parcel` → `landParcel`. */
export const camel = (kebab: string) => {
  const p = pascal(kebab);
  return p[0]!.toLowerCase() + p.slice(1);
};

/** The record type of a dataset: `<Singular>Record` (`JudicialRecord` for `judicial-record`). */
const recordTypeName = (def: DatasetDefinition) => {
  const base = pascal(def.singular);
  return base.endsWith('Record') ? base : `${base}Record`;
};

/** A description as an SDL block string. */
export const blockString = (text: string) => `"""${text.replaceAll('"""', '\\"""')}"""`;

const INT32 = 2 ** 31;
const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
const RESERVED = new Set(['true', 'false', 'null']);
const identity: Convert = (v) => v;
const FORMATS: Record<string, string> = { date: 'YYYY-MM-DD', 'date-time': 'ISO 8601 date and time' };

/** The GraphQL name of an enum value (`single-member-llc` → `single_member_llc`). */
function enumName(value: string): string {
  let name = value.replace(/[^_0-9A-Za-z]/g, '_');
  if (!NAME.test(name) || RESERVED.has(name)) name = `_${name}`;
  return name;
}

/**
 * The GraphQL types of one dataset, generated from its JSON Schema: the record as an object type
 * named after the dataset (with `release`), nested objects as object types, string enums as enums,
 * arrays as lists, descriptions kept. Integers within 32 bits are `Int`, larger ones `Float`.
 */
export function datasetTypes(def: DatasetDefinition): DatasetTypes {
  const file = `schemas/datasets/${def.name}.schema.json`;
  const sdl: string[] = [];

  const fieldDescription = (schema: FieldSchema, path: string) => {
    let text = schema.description?.trim() || `${path}.`;
    const format = schema.format && FORMATS[schema.format];
    if (format && !text.includes(format)) text += ` Format: ${format}.`;
    return text;
  };

  /** The GraphQL type of a field and how its values convert; adds nested types to `sdl`. */
  const typeOf = (schema: FieldSchema, path: string, name: string): { type: string; convert: Convert } => {
    if (schema.enum) {
      if (!schema.enum.every((v) => typeof v === 'string')) {
        throw new SchemaLoadError(file, `${path}: only enums of strings become GraphQL enums`);
      }
      const names = new Map<string, string>();
      for (const value of schema.enum as string[]) {
        const n = enumName(value);
        if ([...names.values()].includes(n)) {
          throw new SchemaLoadError(file, `${path}: enum values ${value} and another share the name ${n}`);
        }
        names.set(value, n);
      }
      const values = [...names].map(([value, n]) => `  ${blockString(`Stored as \`${value}\`.`)}\n  ${n}`);
      sdl.push(`${blockString(fieldDescription(schema, path))}\nenum ${name} {\n${values.join('\n')}\n}`);
      const renamed = [...names].some(([value, n]) => value !== n);
      return {
        type: name,
        convert: renamed ? (v) => (typeof v === 'string' ? (names.get(v) ?? v) : v) : identity,
      };
    }
    const types = (Array.isArray(schema.type) ? schema.type : [schema.type]).filter((t) => t !== 'null');
    if (types.length !== 1) throw new SchemaLoadError(file, `${path}: give one type for the API`);
    switch (types[0]) {
      case 'string':
        return { type: 'String', convert: identity };
      case 'boolean':
        return { type: 'Boolean', convert: identity };
      case 'number':
        return { type: 'Float', convert: identity };
      case 'integer': {
        const low = schema.minimum ?? schema.exclusiveMinimum;
        const high = schema.maximum ?? schema.exclusiveMaximum;
        const fits = low !== undefined && high !== undefined && low >= -INT32 && high < INT32;
        return { type: fits ? 'Int' : 'Float', convert: identity };
      }
      case 'array': {
        if (!schema.items) throw new SchemaLoadError(file, `${path}: an array needs items`);
        const itemName = name.endsWith('s') ? name.slice(0, -1) : `${name}Item`;
        const item = typeOf(schema.items, `${path}[]`, itemName);
        const convert: Convert =
          item.convert === identity ? identity : (v) => (Array.isArray(v) ? v.map(item.convert) : v);
        return { type: `[${item.type}!]`, convert };
      }
      case 'object':
        return objectType(schema, path, name, []);
      default:
        throw new SchemaLoadError(file, `${path}: no GraphQL type for ${String(types[0])}`);
    }
  };

  const objectType = (schema: FieldSchema, path: string, name: string, extra: string[]) => {
    const properties = schema.properties ?? {};
    if (Object.keys(properties).length === 0) {
      throw new SchemaLoadError(file, `${path}: an object needs properties`);
    }
    const converts: [string, Convert][] = [];
    const fields = Object.entries(properties).map(([field, child]) => {
      const { type, convert } = typeOf(child, `${path}.${field}`, `${name}${pascal(field)}`);
      if (convert !== identity) converts.push([field, convert]);
      return `  ${blockString(fieldDescription(child, `${path}.${field}`))}\n  ${field}: ${type}`;
    });
    const description = fieldDescription(schema, path);
    sdl.push(`${blockString(description)}\ntype ${name} {\n${[...fields, ...extra].join('\n')}\n}`);
    const convert: Convert =
      converts.length === 0
        ? identity
        : (v) => {
            if (v === null || typeof v !== 'object') return v;
            const out: Record<string, unknown> = { ...(v as Record<string, unknown>) };
            for (const [field, c] of converts) if (out[field] != null) out[field] = c(out[field]);
            return out;
          };
    return { type: name, convert };
  };

  const typeName = recordTypeName(def);
  const release = `  ${blockString('How this answer was released: the access record, contract and consent it relied on.')}\n  release: Release!`;
  const root: FieldSchema = {
    ...(def.schema as FieldSchema),
    description: `${def.description} Only fields you selected and may receive are returned.`,
  };
  const { convert } = objectType(root, def.name, typeName, [release]);
  return { typeName, sdl, convert };
}
