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
import { type MappingSpec, mappingIssues } from './mapping.js';
import { type StreamManifest, streamSourceIssues } from './stream-source.js';

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
    if (!manifest.datasets.includes(stream.dataset)) {
      issues.push({ path: `${at}/dataset`, message: `is not listed in /datasets` });
    }
    const def = datasets.get(stream.dataset);
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
    if (spec.dataset !== stream.dataset) {
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

/** Configuration = manifest defaults, then a JSON file, then `key=value` overrides; validated by its schema. */
export function resolveConfig(
  loaded: LoadedConnector,
  options: { file?: string; set?: string[] } = {},
): Record<string, unknown> {
  const config: Record<string, unknown> = { ...loaded.manifest.config };
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
  return validateConfig(loaded.manifest.configSchema, config, `${loaded.manifest.name} configuration`);
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
