import { createHmac } from 'node:crypto';
import { ConnectorConfigError, type ConnectorIssue } from '../../hub/kernel/errors/index.js';
import { type DatasetDefinition, ROW_ISSUES } from '../../hub/modules/records/index.js';
import { type CastSpec, type CastStep, castIssues, castStep } from './casts.js';
import type { SourceRow } from './protocol.js';

/**
 * How one target field is produced from a source column. Steps apply in this order: `nfc`,
 * `collapseSpaces`, `trim`, `remove`, `cast`, `case`, `values`, `mask`, `hash`.
 */
export interface FieldRule {
  from: string;
  /** Characters deleted from the text, e.g. `" .-"` for IDs typed in groups (`001 052 007731`). */
  remove?: string;
  /** A type name, or a type with options (`{ "type": "date", "format": "dd/mm/yyyy" }`); see casts.ts. */
  cast?: CastSpec;
  trim?: boolean;
  /** Unicode NFC (Vietnamese text often arrives decomposed, NFD). */
  nfc?: boolean;
  /** Runs of white space become one space. */
  collapseSpaces?: boolean;
  /** `title`: each word's first letter upper case, the rest lower (Vietnamese rules). */
  case?: 'upper' | 'lower' | 'title';
  /** Value map (source value as a string → target value), e.g. gioi_tinh 1 → male. */
  values?: Record<string, unknown>;
  /** Target value for source values missing from `values`; without it such values are rejected. */
  otherwise?: unknown;
  /** Keep only the last N characters, the rest become `*`. */
  mask?: { keepLast: number };
  /** Keyed hash (HMAC-SHA-256, 32 hex) instead of the value. */
  hash?: boolean;
  /** Value when the source is NULL or empty; without it the field is left out. */
  default?: unknown;
}

export interface MappingSpec {
  /** The dataset the rows feed, or (instead) the stream's event `target`. */
  dataset?: string;
  target?: string;
  /** Target field path (dots for nested objects, e.g. `permanentResidence.communeCode`) → rule. */
  fields: Record<string, FieldRule>;
}

export interface MappedRow {
  record: Record<string, unknown> | null;
  issues: ConnectorIssue[];
}

export type RowMapper = (row: SourceRow) => MappedRow;

const WS = /\s+/g;

/** Each word's first letter upper case, the rest lower, by Vietnamese rules (`LÊ THỊ THẢO` → `Lê Thị Thảo`). */
const titleCase = (s: string) =>
  s
    .toLocaleLowerCase('vi')
    .replace(/(^|[\s\-'])(\p{L})/gu, (_, sep: string, c: string) => sep + c.toLocaleUpperCase('vi'));

const CASES: Record<NonNullable<FieldRule['case']>, (s: string) => string> = {
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  title: titleCase,
};

type Step = CastStep;

function steps(rule: FieldRule, hashKey: Buffer): Step[] {
  const out: Step[] = [];
  if (rule.trim || rule.nfc || rule.collapseSpaces || rule.remove) {
    const removed = rule.remove ? new Set(rule.remove) : undefined;
    out.push((v) => {
      if (typeof v !== 'string') return v;
      let s = v;
      if (rule.nfc) s = s.normalize('NFC');
      if (rule.collapseSpaces) s = s.replace(WS, ' ');
      if (rule.trim) s = s.trim();
      if (removed) s = Array.from(s, (c) => (removed.has(c) ? '' : c)).join('');
      return s;
    });
  }
  if (rule.cast) out.push(castStep(rule.cast));
  if (rule.case) {
    const change = CASES[rule.case];
    out.push((v) => (typeof v === 'string' ? change(v) : v));
  }
  if (rule.values) {
    const values = new Map(Object.entries(rule.values));
    const hasOtherwise = 'otherwise' in rule;
    out.push((v, fail) => {
      const mapped = values.get(String(v));
      if (mapped !== undefined) return mapped;
      return hasOtherwise ? rule.otherwise : fail('has a value outside the value map');
    });
  }
  if (rule.mask) {
    const keep = rule.mask.keepLast;
    out.push((v) => {
      const s = String(v);
      return '*'.repeat(Math.max(0, s.length - keep)) + s.slice(Math.max(0, s.length - keep));
    });
  }
  if (rule.hash) {
    out.push((v) => createHmac('sha256', hashKey).update(String(v)).digest('hex').slice(0, 32));
  }
  return out;
}

interface CompiledField {
  target: string;
  parents: string[];
  leaf: string;
  from: string;
  steps: Step[];
  hasDefault: boolean;
  default: unknown;
}

/**
 * Compiles a declarative mapping into a function from a source row to a dataset record, validated
 * by the dataset's JSON Schema. Issues name field paths (JSON pointers) and never the values.
 */
export function compileMapping(spec: MappingSpec, def: DatasetDefinition, hashKey: Buffer): RowMapper {
  const invalid = ruleIssues(spec, '');
  if (invalid.length > 0)
    throw new ConnectorConfigError(`mapping of ${spec.dataset ?? spec.target}`, invalid);
  const fields: CompiledField[] = Object.entries(spec.fields).map(([target, rule]) => {
    const parts = target.split('.');
    return {
      target: `/${parts.join('/')}`,
      parents: parts.slice(0, -1),
      leaf: parts.at(-1)!,
      from: rule.from,
      steps: steps(rule, hashKey),
      hasDefault: 'default' in rule,
      default: rule.default,
    };
  });
  return (row) => {
    const record: Record<string, unknown> = {};
    const issues: ConnectorIssue[] = [];
    let field = fields[0]!;
    let failed = false;
    const fail = (message: string): undefined => {
      issues.push({ path: field.target, message });
      failed = true;
      return undefined;
    };
    for (const f of fields) {
      let value = row[f.from];
      field = f;
      failed = false;
      if (value !== null && value !== undefined && value !== '') {
        for (const step of f.steps) {
          value = step(value, fail);
          if (failed) break;
        }
      }
      if (failed) continue;
      if (value === null || value === undefined || value === '') {
        if (!f.hasDefault) continue;
        value = f.default;
      }
      let at = record;
      for (const p of f.parents) {
        at[p] ??= {};
        at = at[p] as Record<string, unknown>;
      }
      at[f.leaf] = value;
    }
    if (issues.length === 0 && !def.validate(record)) {
      for (const e of def.validate.errors ?? []) {
        const params = e.params as Record<string, unknown>;
        const path =
          e.keyword === 'required'
            ? `${e.instancePath}/${String(params.missingProperty)}`
            : e.keyword === 'additionalProperties'
              ? `${e.instancePath}/${String(params.additionalProperty)}`
              : e.instancePath;
        const message = e.keyword === 'required' ? ROW_ISSUES.missing : (e.message ?? e.keyword);
        if (!issues.some((i) => i.path === path && i.message === message)) issues.push({ path, message });
      }
    }
    return issues.length > 0 ? { record: null, issues } : { record, issues };
  };
}

/** What the mapping schema cannot check in the rules: the cast options (date formats, boolean lists). */
function ruleIssues(spec: MappingSpec, pointer: string): ConnectorIssue[] {
  return Object.entries(spec.fields).flatMap(([target, rule]) =>
    rule.cast
      ? castIssues(rule.cast).map((i) => ({ ...i, path: `${pointer}/fields/${target}/cast${i.path}` }))
      : [],
  );
}

/** Checks a mapping against its dataset (every target must be a field of it) and its cast options. */
export function mappingIssues(spec: MappingSpec, def: DatasetDefinition, pointer: string): ConnectorIssue[] {
  const issues: ConnectorIssue[] = ruleIssues(spec, pointer);
  for (const target of Object.keys(spec.fields)) {
    const top = target.split('.')[0]!;
    if (!def.fields.includes(top)) {
      issues.push({ path: `${pointer}/fields/${target}`, message: `is not a field of dataset ${def.name}` });
    }
  }
  const mapped = new Set(Object.keys(spec.fields).map((t) => t.split('.')[0]));
  for (const required of (def.schema.required as string[] | undefined) ?? []) {
    if (!mapped.has(required)) {
      issues.push({ path: `${pointer}/fields`, message: `maps nothing to required field ${required}` });
    }
  }
  return issues;
}
