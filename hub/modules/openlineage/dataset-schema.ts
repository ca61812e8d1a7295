import type { SchemaObject } from 'ajv/dist/2020.js';
import type { DatasetDefinition } from '../records/index.js';
import { type Facet, facet } from './facets.js';

/** A field of the `schema` facet: name, type, description, nested fields. */
interface SchemaField {
  name: string;
  type?: string;
  description?: string;
  fields?: SchemaField[];
}

/** The type a JSON Schema gives a value, as text: its format (`date`), its type(s), or `string` for an enum of strings. */
function typeOf(schema: SchemaObject): string | undefined {
  if (typeof schema.format === 'string') return schema.format;
  if (Array.isArray(schema.type)) return schema.type.join('|');
  if (typeof schema.type === 'string') return schema.type;
  if (Array.isArray(schema.enum) && schema.enum.every((v: unknown) => typeof v === 'string')) return 'string';
  return undefined;
}

function fieldOf(name: string, schema: SchemaObject): SchemaField {
  const nested = (schema.type === 'array' ? schema.items : schema) as SchemaObject | undefined;
  const properties = nested?.properties as Record<string, SchemaObject> | undefined;
  return {
    name,
    ...(typeOf(schema) ? { type: typeOf(schema) } : {}),
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
    ...(properties ? { fields: Object.entries(properties).map(([n, s]) => fieldOf(n, s)) } : {}),
  };
}

/**
 * The `schema` facet of a hub dataset from its JSON Schema (`schemas/datasets/`): each top-level
 * field (only `only`'s, when given) with its type and description, nested objects as nested fields.
 */
export function datasetSchemaFacet(
  def: DatasetDefinition,
  only?: readonly string[],
): Record<'schema', Facet> {
  const properties = (def.schema.properties ?? {}) as Record<string, SchemaObject>;
  const names = only ? def.fields.filter((f) => only.includes(f)) : def.fields;
  return facet('schema', { fields: names.map((name) => fieldOf(name, properties[name]!)) });
}

/** The `schema` facet of a dataset known only by the names of its fields. */
export const namedFieldsFacet = (names: Iterable<string>): Record<'schema', Facet> =>
  facet('schema', { fields: [...new Set(names)].map((name) => ({ name })) });
