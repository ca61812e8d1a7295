import type { ConnectorIssue } from '../../hub/kernel/errors/index.js';
import type { MappingSpec } from './mapping.js';
import type { ConfiguredStream } from './protocol.js';

/** A stream of the manifest (`streams[]`): a table, a table joined to others, or a query. */
export interface StreamManifest {
  /** Name of the stream (its checkpoint's key); default: `table`. Required with `query`. */
  name?: string;
  table?: string;
  /** Alias of `table` in a join (default: the table name); `from: "<alias>.<column>"` names its columns. */
  alias?: string;
  joins?: {
    table: string;
    alias: string;
    kind?: 'inner' | 'left';
    on: Record<string, string>;
    cursorField?: string;
  }[];
  /** A read-only SELECT instead of `table`. */
  query?: string;
  /** The dataset the rows feed; a stream with a `target` has none in its file (the loader sets it to the target's name). */
  dataset: string;
  /** An event target instead of a dataset (`event-targets.ts`). */
  target?: string;
  mode: 'incremental' | 'full_refresh';
  primaryKey: string;
  /** For a query: one result column, or several whose greatest value is the cursor. */
  cursorField?: string | string[];
  softDelete?: { column: string; deletedValues?: (string | number | boolean)[] };
  mapping: string;
}

/** Name of the column a join or query stream's rows carry: the greatest of its cursor columns. */
export const EFFECTIVE_CURSOR = '_cursor';

/** The stream's name: its checkpoint's key, the record index's table and the provenance's table. */
export const streamName = (s: StreamManifest): string => s.name ?? s.table ?? '';

const lastPart = (table: string) => table.slice(table.lastIndexOf('.') + 1);
const baseAlias = (s: StreamManifest) => s.alias ?? lastPart(s.table ?? '');

/** A column of a stream's rows, where it lives: its table and its name there. */
export interface OwnedColumn {
  table: string;
  column: string;
  /** The name as written (`<alias>.<column>`), when it differs from `column`. */
  written?: string;
}

/**
 * The table a column name of the stream's rows belongs to: in a join, `<alias>.<column>` names the
 * table with that alias; any other name is a column of the base table (of a query: of the query's
 * result, named after the stream).
 */
export function columnOwner(s: StreamManifest): (name: string) => OwnedColumn {
  const base = s.table ?? streamName(s);
  const aliases = new Map([[baseAlias(s), base], ...(s.joins ?? []).map((j) => [j.alias, j.table] as const)]);
  return (name) => {
    const dot = name.indexOf('.');
    const table = s.joins && dot > 0 ? aliases.get(name.slice(0, dot)) : undefined;
    return table ? { table, column: name.slice(dot + 1), written: name } : { table: base, column: name };
  };
}

/** One line for `validate`: `cong_dan + ho_gia_dinh → population (incremental)`. */
export function describeStream(s: StreamManifest): string {
  const source = s.query
    ? `${streamName(s)} (query)`
    : [s.table, ...(s.joins ?? []).map((j) => j.table)].join(' + ');
  return `${source} → ${s.dataset} (${s.mode})`;
}

/** What the source reads for a stream: columns, and for a join or a query, where rows come from. */
export function configuredStream(s: StreamManifest, mapping: Pick<MappingSpec, 'fields'>, at: string) {
  const cursors = typeof s.cursorField === 'string' ? [s.cursorField] : (s.cursorField ?? []);
  const cols = new Set([s.primaryKey]);
  if (!s.query && !s.joins && s.cursorField) cols.add(cursors[0]!);
  if (s.softDelete) cols.add(s.softDelete.column);
  for (const rule of Object.values(mapping.fields)) cols.add(rule.from);
  const base = { name: streamName(s), mode: s.mode, primaryKey: s.primaryKey, columns: [...cols] };
  if (s.query) {
    return {
      ...base,
      cursorField: cursors.length > 0 ? EFFECTIVE_CURSOR : undefined,
      source: { kind: 'query', sql: s.query, cursorColumns: cursors, at },
    } satisfies ConfiguredStream;
  }
  if (s.joins) {
    const alias = baseAlias(s);
    const cursorColumns = [
      ...cursors.map((c) => `${alias}.${c}`),
      ...s.joins.filter((j) => j.cursorField).map((j) => `${j.alias}.${j.cursorField}`),
    ];
    return {
      ...base,
      cursorField: cursors.length > 0 ? EFFECTIVE_CURSOR : undefined,
      source: {
        kind: 'join',
        table: s.table!,
        alias,
        joins: s.joins.map((j) => ({ ...j, kind: j.kind ?? 'left' })),
        cursorColumns,
        at,
      },
    } satisfies ConfiguredStream;
  }
  return { ...base, cursorField: cursors[0] } satisfies ConfiguredStream;
}

const FIRST_WORD = /^[\s(]*([A-Za-z_]+)/;
const WRITES =
  /\b(INSERT|UPDATE|DELETE|MERGE|TRUNCATE|DROP|ALTER|CREATE|GRANT|REVOKE|INTO|COPY|CALL|LOCK)\b/i;

/** The SQL with comments, string literals and quoted identifiers blanked out. */
function codeOf(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    const two = sql.slice(i, i + 2);
    if (two === '--') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
      out += ' ';
    } else if (two === '/*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
      out += ' ';
    } else if (ch === "'" || ch === '"' || ch === '`') {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === ch && sql[j + 1] !== ch)) j += sql[j] === ch ? 2 : 1;
      i = j + 1;
      out += ch === "'" ? " '' " : ' x ';
    } else {
      const dollar = ch === '$' ? /^\$([A-Za-z_]\w*)?\$/.exec(sql.slice(i)) : null;
      if (dollar) {
        const end = sql.indexOf(dollar[0], i + dollar[0].length);
        i = end < 0 ? sql.length : end + dollar[0].length;
        out += " '' ";
      } else {
        out += ch;
        i++;
      }
    }
  }
  return out;
}

/**
 * Why a query is not a single read-only SELECT (undefined when it is). A first guard with a clear
 * message: the source also runs the query inside a subquery and a read-only transaction.
 */
export function selectOnlyIssue(sql: string): string | undefined {
  const code = codeOf(sql).trim().replace(/;\s*$/, '');
  const first = FIRST_WORD.exec(code)?.[1]?.toUpperCase();
  if (first !== 'SELECT' && first !== 'WITH') {
    return `must be a single read-only SELECT (or WITH … SELECT); it starts with ${first ?? 'nothing'}`;
  }
  if (code.includes(';')) return 'must be a single statement: it holds a ; before its end';
  const write = WRITES.exec(code)?.[1];
  if (write) {
    return `must only read: ${write.toUpperCase()} is not allowed in a source query`;
  }
  return undefined;
}

/**
 * Checks what the JSON Schema cannot: a query is a SELECT and stands alone, join aliases are
 * unique and `on` names declared aliases, and mapped `alias.column` names a declared alias.
 */
export function streamSourceIssues(
  streams: readonly StreamManifest[],
  mappings: readonly (Pick<MappingSpec, 'fields'> | undefined)[],
): ConnectorIssue[] {
  const issues: ConnectorIssue[] = [];
  const names = new Map<string, number>();
  streams.forEach((s, i) => {
    const at = `/streams/${i}`;
    const name = streamName(s);
    if (names.has(name)) {
      issues.push({
        path: s.name ? `${at}/name` : `${at}/table`,
        message: `stream ${name} is already read by /streams/${names.get(name)}; give this one another name`,
      });
    } else names.set(name, i);
    if (s.query !== undefined) {
      for (const key of ['table', 'alias', 'joins'] as const) {
        if (s[key] !== undefined)
          issues.push({
            path: `${at}/${key}`,
            message: 'is not allowed with query (the query names its tables)',
          });
      }
      const problem = selectOnlyIssue(s.query);
      if (problem) issues.push({ path: `${at}/query`, message: problem });
    } else if (Array.isArray(s.cursorField)) {
      issues.push({
        path: `${at}/cursorField`,
        message:
          'a list of cursor columns is for query streams; a join gives each joined table its cursorField',
      });
    }
    if (s.alias !== undefined && !s.joins)
      issues.push({ path: `${at}/alias`, message: 'is only used with joins' });
    const aliases = s.query ? [] : [baseAlias(s)];
    (s.joins ?? []).forEach((j, n) => {
      for (const [column, other] of Object.entries(j.on)) {
        if (!aliases.includes(other.split('.')[0]!)) {
          issues.push({
            path: `${at}/joins/${n}/on/${column}`,
            message: `must name <alias>.<column> of ${aliases.join(' or ')} (got ${other})`,
          });
        }
      }
      if (aliases.includes(j.alias))
        issues.push({ path: `${at}/joins/${n}/alias`, message: `alias ${j.alias} is already used` });
      aliases.push(j.alias);
    });
    const mapping = mappings[i];
    if (!mapping || s.query) return;
    for (const [target, rule] of Object.entries(mapping.fields)) {
      const dot = rule.from.indexOf('.');
      if (dot < 0) continue;
      const alias = rule.from.slice(0, dot);
      if (!aliases.includes(alias)) {
        issues.push({
          path: `${at}/mapping(${s.mapping})/fields/${target}/from`,
          message: s.joins
            ? `alias ${alias} is not declared (the stream's aliases: ${aliases.join(', ')})`
            : `names a joined column (${rule.from}), but the stream declares no joins`,
        });
      }
    }
  });
  return issues;
}
