import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import {
  ConnectorConfigError,
  type ConnectorIssue,
  ConnectorNotFoundError,
} from '../../hub/kernel/errors/index.js';
import type { DatasetDefinition } from '../../hub/modules/records/index.js';
import { eventTargets } from './event-targets.js';
import { type MappingSpec, mappingIssues } from './mapping.js';
import type { ColumnReference } from './protocol.js';
import { columnOwner, type StreamManifest, streamSourceIssues } from './stream-source.js';

export type { StreamManifest };

export const CONNECTORS_DIR = fileURLToPath(new URL('..', import.meta.url));
const MANIFEST_SCHEMA = fileURLToPath(
  new URL('../../schemas/connector-manifest.schema.json', import.meta.url),
);

export interface ConnectorManifest {
  name: string;
  version: string;
  kind: 'sql';
  description?: string;
  datasets: string[];
  configSchema: Record<string, unknown>;
  config?: Record<string, unknown>;
  streams: StreamManifest[];
}

/** A manifest with its mappings loaded, ready to run. */
export interface LoadedConnector {
  dir: string;
  manifest: ConnectorManifest;
  mappings: MappingSpec[];
}

interface Validators {
  manifest: ValidateFunction;
  mapping: ValidateFunction;
  ajv: Ajv2020;
}

function validators(): Validators {
  const ajv = new Ajv2020({ strict: false, allErrors: true, allowUnionTypes: true, useDefaults: true });
  ajvFormats.default(ajv);
  const schema = JSON.parse(fs.readFileSync(MANIFEST_SCHEMA, 'utf8'));
  const manifest = ajv.compile(schema);
  const mapping = ajv.getSchema(`${schema.$id}#/$defs/mapping`)!;
  return { manifest, mapping, ajv };
}

export function toIssues(errors: ErrorObject[] | null | undefined, prefix = ''): ConnectorIssue[] {
  const out: ConnectorIssue[] = [];
  for (const e of errors ?? []) {
    if (e.keyword === 'if') continue;
    const params = e.params as Record<string, unknown>;
    let p = `${prefix}${e.instancePath}`;
    let message = e.message ?? e.keyword;
    if (e.keyword === 'required') {
      p += `/${String(params.missingProperty)}`;
      message = 'is required';
    } else if (e.keyword === 'additionalProperties') {
      p += `/${String(params.additionalProperty)}`;
      message = 'is not allowed';
    } else if (e.keyword === 'enum') {
      message = `must be one of ${(params.allowedValues as unknown[]).join(', ')}`;
    }
    if (!out.some((i) => i.path === p && i.message === message)) out.push({ path: p, message });
  }
  return out;
}

function readJson(file: string, issues: ConnectorIssue[], pointer: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    issues.push({ path: pointer, message: `cannot read ${file}: ${(e as Error).message}` });
    return undefined;
  }
}

/**
 * Loads and validates `connectors/<name>/connector.json` and its mapping files against
 * schemas/connector-manifest.schema.json and the target datasets. Throws ConnectorConfigError
 * listing every problem by field path (`/streams/0/cursorField is required`).
 */
export function loadConnector(
  name: string,
  datasets: ReadonlyMap<string, DatasetDefinition>,
  root = CONNECTORS_DIR,
): LoadedConnector {
  const dir = path.join(root, name);
  const file = path.join(dir, 'connector.json');
  if (!fs.existsSync(file)) throw new ConnectorNotFoundError(name, dir);
  const v = validators();
  const issues: ConnectorIssue[] = [];
  const manifest = readJson(file, issues, '') as ConnectorManifest | undefined;
  if (manifest === undefined) throw new ConnectorConfigError(file, issues);
  if (!v.manifest(manifest)) throw new ConnectorConfigError(file, toIssues(v.manifest.errors));
  if (manifest.name !== name) issues.push({ path: '/name', message: `must equal the folder name ${name}` });
  try {
    v.ajv.compile(manifest.configSchema);
  } catch (e) {
    issues.push({ path: '/configSchema', message: (e as Error).message });
  }
  const mappings: MappingSpec[] = [];
  const byStream: (MappingSpec | undefined)[] = [];
  manifest.streams.forEach((stream, i) => {
    const at = `/streams/${i}`;
    const target = stream.target ? eventTargets.get(stream.target) : undefined;
    if (target) stream.dataset = target.name;
    else if (!manifest.datasets.includes(stream.dataset)) {
      issues.push({ path: `${at}/dataset`, message: `is not listed in /datasets` });
    }
    const def = target?.def ?? datasets.get(stream.dataset);
    if (!def)
      issues.push({ path: `${at}/dataset`, message: `no dataset ${stream.dataset} in schemas/datasets/` });
    const mappingFile = path.join(dir, stream.mapping);
    const spec = readJson(mappingFile, issues, `${at}/mapping`) as MappingSpec | undefined;
    if (spec === undefined) return;
    const pointer = `${at}/mapping(${stream.mapping})`;
    if (!v.mapping(spec)) {
      issues.push(...toIssues(v.mapping.errors, pointer));
      return;
    }
    if (target && spec.target !== target.name) {
      issues.push({ path: `${pointer}/target`, message: `must be ${target.name}, the stream's target` });
    } else if (!target && spec.dataset !== stream.dataset) {
      issues.push({ path: `${pointer}/dataset`, message: `must be ${stream.dataset}, the stream's dataset` });
    }
    if (def) issues.push(...mappingIssues(spec, def, pointer));
    mappings.push(spec);
    byStream[i] = spec;
  });
  issues.push(...streamSourceIssues(manifest.streams, byStream));
  if (issues.length > 0) throw new ConnectorConfigError(file, issues);
  return { dir, manifest, mappings };
}

/**
 * Every source column the manifest and the mappings name, with the field naming it (for `check`).
 * A join's `<alias>.<column>` names a column of the table with that alias, a bare name one of the
 * base table. A query's columns are the query's own: running it checks them.
 */
export function columnReferences(loaded: LoadedConnector): ColumnReference[] {
  return loaded.manifest.streams.flatMap((s, i) => {
    if (s.query || !s.table) return [];
    const owner = columnOwner(s);
    const ref = (name: string, at: string, table?: string): ColumnReference =>
      table ? { table, column: name, at } : { ...owner(name), at };
    const stream = `connector.json: streams[${i}]`;
    const cursors = typeof s.cursorField === 'string' ? [s.cursorField] : (s.cursorField ?? []);
    const refs = [
      ref(s.primaryKey, `${stream}.primaryKey`),
      ...cursors.map((c) => ref(c, `${stream}.cursorField`)),
      ...(s.softDelete ? [ref(s.softDelete.column, `${stream}.softDelete.column`)] : []),
    ];
    (s.joins ?? []).forEach((j, k) => {
      const at = `${stream}.joins[${k}]`;
      for (const [column, other] of Object.entries(j.on))
        refs.push(ref(column, `${at}.on`, j.table), ref(other, `${at}.on.${column}`));
      if (j.cursorField) refs.push(ref(j.cursorField, `${at}.cursorField`, j.table));
    });
    for (const [target, rule] of Object.entries(loaded.mappings[i]?.fields ?? {}))
      refs.push(ref(rule.from, `mapping ${s.mapping}: ${target}.from`));
    return refs;
  });
}

/** Configuration = manifest defaults, then a JSON file, then `key=value` overrides; validated by its schema. */
export function resolveConfig(
  loaded: LoadedConnector,
  options: { file?: string; set?: string[] } = {},
): Record<string, unknown> {
  const { configSchema, config, name } = loaded.manifest;
  return layeredConfig(configSchema, config ?? {}, options, `${name} configuration`);
}

/** Defaults, then a JSON file, then `key=value` overrides (numbers parsed), validated by `schema`. */
export function layeredConfig(
  schema: Record<string, unknown>,
  defaults: Record<string, unknown>,
  options: { file?: string; set?: string[] },
  subject: string,
): Record<string, unknown> {
  const config: Record<string, unknown> = { ...defaults };
  if (options.file) {
    const issues: ConnectorIssue[] = [];
    const fromFile = readJson(options.file, issues, '');
    if (issues.length > 0) throw new ConnectorConfigError(options.file, issues);
    Object.assign(config, fromFile);
  }
  for (const pair of options.set ?? []) {
    const eq = pair.indexOf('=');
    if (eq < 1)
      throw new ConnectorConfigError('--set', [{ path: '', message: `expected key=value, got ${pair}` }]);
    const raw = pair.slice(eq + 1);
    config[pair.slice(0, eq)] = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  }
  return validateConfig(schema, config, subject);
}

export function validateConfig<T = Record<string, unknown>>(
  schema: Record<string, unknown>,
  config: Record<string, unknown>,
  subject: string,
): T {
  const ajv = new Ajv2020({ strict: false, allErrors: true, useDefaults: true });
  ajvFormats.default(ajv);
  const validate = ajv.compile(schema);
  const copy = structuredClone(config);
  if (!validate(copy)) throw new ConnectorConfigError(subject, toIssues(validate.errors));
  return copy as T;
}
