import { Ajv2020, type SchemaObject } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { SchemaLoadError } from '../kernel/errors/index.js';
import type { EventValidator } from './validator.js';

/** Why a value would not fit an event field. */
export interface FieldIssue {
  /** Where in the value, as a path suffix: `''` for the value itself, `[0]`, `.fields[2]`. */
  at: string;
  message: string;
  /** For size rules: which limit, its bound and the value's size. */
  limit?: { name: string; max: number; actual: number };
}

/** Checks a value against the rule an event schema has for one field (every keyword, as the store will). */
export interface FieldCheck {
  (value: unknown): FieldIssue | undefined;
  /** The field's schema, `$ref`s resolved. */
  readonly rule: SchemaObject;
}

const SIZE_KEYWORDS: Record<string, string> = {
  maxLength: 'length',
  minLength: 'length',
  maxItems: 'items',
  minItems: 'items',
};

/**
 * The schema of one field of an event's `data`, taken from the compiled schemas the store validates
 * appends with. `path` names data fields: `purpose`, `caller.official`, `scope[].fields` (`[]` steps
 * into array items). A path the schema does not have is a `SchemaLoadError`, so a renamed field fails
 * at boot, not on a request.
 */
export function fieldRule(validator: EventValidator, type: string, path: string): SchemaObject {
  const root = validator.dataSchema(type);
  if (!root) throw new SchemaLoadError(`${type}.schema.json`, 'no such event type');
  const fail = (why: string) => new SchemaLoadError(`${type}.schema.json`, `${path}: ${why}`);
  const deref = (node: SchemaObject): SchemaObject => {
    const ref = node.$ref as string | undefined;
    if (!ref) return node;
    const name = /^#\/\$defs\/([^/]+)$/.exec(ref)?.[1];
    const target = name && (root.$defs as Record<string, SchemaObject> | undefined)?.[name];
    if (!target) throw fail(`cannot resolve ${ref}`);
    return deref(target);
  };
  let node = deref(root);
  for (const segment of path.split('.')) {
    const name = segment.replace(/(\[\])+$/, '');
    const next = (node.properties as Record<string, SchemaObject> | undefined)?.[name];
    if (!next) throw fail(`no field ${name}`);
    node = deref(next);
    for (let i = 0; i < (segment.length - name.length) / 2; i++) {
      if (!node.items) throw fail(`${name} is not an array`);
      node = deref(node.items as SchemaObject);
    }
  }
  return node;
}

/** The largest length an event field allows (its `maxLength`); a field without one is a `SchemaLoadError`. */
export function maxLengthOf(validator: EventValidator, type: string, path: string): number {
  const max = fieldRule(validator, type, path).maxLength;
  if (typeof max !== 'number') throw new SchemaLoadError(`${type}.schema.json`, `${path}: no maxLength`);
  return max;
}

/**
 * Compiles checks of values against event fields (one ajv instance for every check made from it).
 * `omit` leaves keywords out, e.g. `uniqueItems` where the writer removes duplicates itself.
 */
export function fieldChecks(validator: EventValidator) {
  const ajv = new Ajv2020({ strict: false, allErrors: false, allowUnionTypes: true });
  ajvFormats.default(ajv);
  return (type: string, path: string, options: { omit?: readonly string[] } = {}): FieldCheck => {
    const rule = fieldRule(validator, type, path);
    const root = validator.dataSchema(type)!;
    const omit = new Set(options.omit ?? []);
    const validate = ajv.compile(without({ ...rule, $defs: root.$defs ?? {} }, omit) as SchemaObject);
    const check = (value: unknown): FieldIssue | undefined => {
      if (validate(value)) return undefined;
      const error = validate.errors![0]!;
      const at = error.instancePath
        .split('/')
        .slice(1)
        .map((s) => (/^[0-9]+$/.test(s) ? `[${s}]` : `.${s}`))
        .join('');
      const params = error.params as { limit?: number };
      const sized = SIZE_KEYWORDS[error.keyword];
      const actual = sizeAt(value, error.instancePath);
      return {
        at,
        message: error.message ?? error.keyword,
        ...(sized && typeof params.limit === 'number' && error.keyword.startsWith('max')
          ? { limit: { name: `${sized}`, max: params.limit, actual } }
          : {}),
      };
    };
    return Object.assign(check, { rule });
  };
}

/** A copy of a schema without the keywords in `omit`, at every depth. */
function without(node: unknown, omit: ReadonlySet<string>): unknown {
  if (omit.size === 0 || typeof node !== 'object' || node === null) return node;
  if (Array.isArray(node)) return node.map((n) => without(n, omit));
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k]) => !omit.has(k))
      .map(([k, v]) => [k, without(v, omit)]),
  );
}

function sizeAt(value: unknown, pointer: string): number {
  let v = value;
  for (const s of pointer.split('/').slice(1)) v = (v as Record<string, unknown>)?.[s];
  if (typeof v === 'string') return [...v].length;
  return Array.isArray(v) ? v.length : 0;
}
