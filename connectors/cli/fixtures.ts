import type { SchemaObject } from 'ajv/dist/2020.js';
import type { DatasetDefinition } from '../../hub/modules/records/index.js';
import { castOptions, DEFAULT_FALSE, DEFAULT_TRUE } from '../kit/casts.js';
import { dateFormat } from '../kit/date-formats.js';
import type { FieldRule, MappingSpec } from '../kit/mapping.js';
import type { ColumnInfo } from '../kit/protocol.js';

/**
 * `fixtures/source.sql` of a connector: its table with the columns of the real one (as `discover`
 * describes them) and a few synthetic rows that follow the manifest and the mapping — each mapped
 * column holds a value the mapping turns into a valid field (in the cast's format, a key of the
 * value map), the key and the cursor grow, the soft-delete flag says "not deleted".
 */

export interface TableStream {
  table: string;
  primaryKey: string;
  cursorField?: string;
  softDelete?: { column: string; deletedValues?: (string | number | boolean)[] };
}

type Kind = 'integer' | 'real' | 'date' | 'timestamp' | 'time' | 'text';

function kindOf(type: string): Kind {
  const t = type.toLowerCase();
  if (/timestamp|datetime/.test(t)) return 'timestamp';
  if (/^date\b/.test(t)) return 'date';
  if (/^time\b/.test(t)) return 'time';
  if (/^interval/.test(t)) return 'text';
  if (/int|serial|bool|^bit\b/.test(t)) return 'integer';
  if (/real|float|double|numeric|decimal|number|money/.test(t)) return 'real';
  return 'text';
}

/** A column type SQLite accepts, keeping the source's name (`character varying(200)`, `int(11)`). */
const sqliteType = (type: string) =>
  type
    .replace(/\(([^)]*)\)/g, (m, inner: string) => (/^\s*\d+\s*(,\s*\d+\s*)?$/.test(inner) ? m : ''))
    .replace(/[^A-Za-z0-9_ (),]/g, '')
    .trim() || 'TEXT';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The schema of a target field path (`permanentResidence.communeCode`). */
function fieldSchema(schema: SchemaObject, target: string): SchemaObject | undefined {
  let at: SchemaObject | undefined = schema;
  for (const part of target.split('.'))
    at = (at?.properties as Record<string, SchemaObject> | undefined)?.[part];
  return at;
}

/** A valid value of a dataset field for synthetic row `row` (1-based). */
export function example(s: SchemaObject | undefined, row: number): unknown {
  if (!s) return `Mẫu ${row}`;
  if (Array.isArray(s.enum)) return s.enum[(row - 1) % s.enum.length];
  if (s.format === 'date') return `1990-${pad(row)}-${pad(10 + row)}`;
  if (s.format === 'date-time') return `2025-01-${pad(row)}T08:00:00.000Z`;
  if (s.type === 'integer') return row;
  if (s.type === 'number') return row + 0.25;
  if (s.type === 'boolean') return row % 2 === 1;
  const digits = typeof s.pattern === 'string' ? /^\^\[0-9\]\{(\d+)\}\$$/.exec(s.pattern) : null;
  if (digits) return String(row).padStart(Number(digits[1]), '0');
  return `Mẫu ${row}`;
}

function formatNumber(n: number, locale: 'vi' | 'en' | undefined): string {
  if (!locale) return String(n);
  const [whole, fraction] = String(Math.abs(n)).split('.');
  const [group, decimal] = locale === 'vi' ? ['.', ','] : [',', '.'];
  const grouped = whole!.replace(/\B(?=(\d{3})+$)/g, group);
  return `${n < 0 ? '-' : ''}${grouped}${fraction ? decimal + fraction : ''}`;
}

/** The source value a rule turns into `target` (or a value it maps to a valid one). */
function sourceValue(rule: FieldRule, schema: SchemaObject | undefined, row: number): unknown {
  const target = example(schema, row);
  if (rule.values) {
    const entries = Object.entries(rule.values);
    const valid = (v: unknown) => !Array.isArray(schema?.enum) || schema.enum.includes(v);
    const key =
      entries.find(([, v]) => v === target)?.[0] ??
      entries.find(([, v]) => valid(v))?.[0] ??
      (rule.otherwise !== undefined ? 'other' : entries[0]?.[0]);
    if (key === undefined) return target;
    const type = rule.cast && castOptions(rule.cast).type;
    return type === 'integer' || type === 'number' ? Number(key) : key;
  }
  if (!rule.cast) return target;
  const cast = castOptions(rule.cast);
  switch (cast.type) {
    case 'date': {
      const name = Array.isArray(cast.format) ? cast.format[0]! : (cast.format ?? 'iso');
      const f = dateFormat(name);
      const [y, m, d] = String(target).split('-').map(Number);
      return typeof f === 'string' ? target : f.write({ y: y!, m: m!, d: d! });
    }
    case 'integer':
    case 'number':
      return typeof target === 'number' ? formatNumber(target, cast.locale) : target;
    case 'boolean': {
      const list = target === false ? (cast.false ?? DEFAULT_FALSE) : (cast.true ?? DEFAULT_TRUE);
      return list[0] ?? null;
    }
    default:
      return target;
  }
}

const literal = (v: unknown): string =>
  v === null || v === undefined
    ? 'NULL'
    : typeof v === 'number'
      ? String(v)
      : typeof v === 'boolean'
        ? v
          ? '1'
          : '0'
        : `'${String(v).replaceAll("'", "''")}'`;

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

function filler(c: ColumnInfo, row: number): unknown {
  if (c.nullable) return null;
  const kind = kindOf(c.type);
  return kind === 'integer' || kind === 'real'
    ? 0
    : kind === 'date'
      ? `2025-01-${pad(row)}`
      : kind === 'timestamp'
        ? `2025-01-${pad(row)} 08:00:00`
        : kind === 'time'
          ? '08:00:00'
          : 'x';
}

/** The SQL of `fixtures/source.sql` for one stream: CREATE TABLE and `rows` synthetic rows. */
export function fixtureSql(options: {
  connector: string;
  columns: ColumnInfo[];
  /** A single-table stream of the manifest (`table` and one `cursorField`). */
  stream: TableStream;
  mapping: MappingSpec;
  def: DatasetDefinition;
  rows?: number;
}): string {
  const { columns, stream, mapping, def } = options;
  const byColumn = new Map<string, [string, FieldRule]>();
  for (const [target, rule] of Object.entries(mapping.fields))
    if (!byColumn.has(rule.from)) byColumn.set(rule.from, [target, rule]);
  const deleted = new Set((stream.softDelete?.deletedValues ?? [1, true, '1']).map(String));
  const value = (c: ColumnInfo, row: number): unknown => {
    const kind = kindOf(c.type);
    if (c.name === stream.softDelete?.column) {
      if (c.nullable) return null;
      const numeric = kind === 'integer' || kind === 'real';
      return (numeric ? [0, 2] : ['0', 'false', 'N']).find((v) => !deleted.has(String(v))) ?? null;
    }
    if (c.name === stream.cursorField)
      return kind === 'integer' || kind === 'real'
        ? row
        : kind === 'date'
          ? `2025-01-${pad(row)}`
          : `2025-01-${pad(row)} 08:00:00`;
    const mapped = byColumn.get(c.name);
    if (mapped) return sourceValue(mapped[1], fieldSchema(def.schema, mapped[0]), row);
    if (c.name === stream.primaryKey) return kind === 'integer' || kind === 'real' ? row : `K${row}`;
    return filler(c, row);
  };
  const definitions = columns.map((c) => {
    const key = c.name === stream.primaryKey ? ' PRIMARY KEY' : '';
    return `  ${quote(c.name)} ${sqliteType(c.type)}${c.nullable || key ? '' : ' NOT NULL'}${key}`;
  });
  const rows = Array.from(
    { length: options.rows ?? 3 },
    (_, i) => `  (${columns.map((c) => literal(value(c, i + 1))).join(', ')})`,
  );
  const table = quote(stream.table);
  return [
    `-- ${stream.table} with the columns of the source table and synthetic rows that follow the manifest`,
    `-- and mapping.json; after editing the mapping, rewrite it: npm run connector -- fixtures ${options.connector}`,
    `CREATE TABLE ${table} (\n${definitions.join(',\n')}\n);`,
    `INSERT INTO ${table} (${columns.map((c) => quote(c.name)).join(', ')}) VALUES\n${rows.join(',\n')};`,
    '',
  ].join('\n');
}
