import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type SchemaObject, type ValidateFunction } from 'ajv/dist/2020.js';

export type { SchemaObject };

import ajvFormats from 'ajv-formats';
import {
  EventValidationError,
  type SchemaIssue,
  SchemaLoadError,
  UnknownEventTypeError,
} from '../kernel/errors/index.js';
import type { EventData } from '../kernel/event-store.js';

export const DEFAULT_SCHEMAS_DIR = fileURLToPath(new URL('../../schemas', import.meta.url));

const SCHEMA_BASE = 'https://lienthong.gov.vn/schemas/';
/** `<Type>.schema.json` is version 1; `<Type>.v<n>.schema.json` is version n (n >= 2). */
const SCHEMA_FILE = /^([A-Z][A-Za-z0-9]*)(?:\.v([1-9][0-9]*))?\.schema\.json$/;

export interface EventValidator {
  /** Throws UnknownEventTypeError or EventValidationError; returns normally when the event is valid. */
  validate(event: EventData): void;
  /** Every event type with a schema, sorted. */
  knownTypes(): string[];
  /** Schema versions available for a type, ascending (empty when unknown). */
  versions(type: string): number[];
  /** The compiled schema of the `data` of `type` (default: its newest version), as loaded at boot. */
  dataSchema(type: string, version?: number): SchemaObject | undefined;
}

export interface EventValidatorOptions {
  /** Folder holding envelope.schema.json and events/. Default: the repository's schemas/. */
  schemasDir?: string;
}

/** Loads and compiles every schema once; validation afterwards is synchronous and cheap. */
export function createEventValidator(options: EventValidatorOptions = {}): EventValidator {
  const dir = options.schemasDir ?? DEFAULT_SCHEMAS_DIR;
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  ajvFormats.default(ajv);

  const envelope = compile(ajv, path.join(dir, 'envelope.schema.json'), `${SCHEMA_BASE}envelope.schema.json`);
  const byType = new Map<string, Map<number, ValidateFunction>>();
  const eventsDir = path.join(dir, 'events');
  for (const file of fs.readdirSync(eventsDir).sort()) {
    if (!file.endsWith('.json')) continue;
    const match = SCHEMA_FILE.exec(file);
    if (!match) throw new SchemaLoadError(path.join(eventsDir, file), 'expected <Type>[.v<n>].schema.json');
    const [, type, v] = match as unknown as [string, string, string | undefined];
    const version = v === undefined ? 1 : Number(v);
    if (v === '1') throw new SchemaLoadError(path.join(eventsDir, file), `version 1 is ${type}.schema.json`);
    const validate = compile(ajv, path.join(eventsDir, file), `${SCHEMA_BASE}events/${file}`);
    const versions = byType.get(type) ?? new Map<number, ValidateFunction>();
    versions.set(version, validate);
    byType.set(type, versions);
  }

  return {
    validate(event) {
      const issues = envelope(event) ? [] : toIssues(envelope.errors, '');
      const type = typeof event?.type === 'string' ? event.type : '(no type)';
      const versions = byType.get(type);
      if (!versions) {
        if (issues.some((i) => i.path === '/type')) throw new EventValidationError(type, issues);
        throw new UnknownEventTypeError(type);
      }
      const version = event.metadata?.schemaVersion;
      const validateData = typeof version === 'number' ? versions.get(version) : undefined;
      if (validateData) {
        if (!validateData(event.data)) issues.push(...toIssues(validateData.errors, '/data'));
      } else if (Number.isInteger(version) && (version as number) >= 1) {
        issues.push({
          path: '/metadata/schemaVersion',
          message: `no schema for version ${version} (known: ${[...versions.keys()].join(', ')})`,
        });
      }
      if (issues.length > 0) throw new EventValidationError(type, issues);
    },
    knownTypes: () => [...byType.keys()].sort(),
    versions: (type) => [...(byType.get(type)?.keys() ?? [])].sort((a, b) => a - b),
    dataSchema(type, version) {
      const versions = byType.get(type);
      const v = version ?? Math.max(0, ...(versions?.keys() ?? []));
      return versions?.get(v)?.schema as SchemaObject | undefined;
    },
  };
}

function compile(ajv: Ajv2020, file: string, expectedId: string): ValidateFunction {
  let schema: SchemaObject;
  try {
    schema = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SchemaLoadError(file, (err as Error).message);
  }
  if (schema.$id !== expectedId) throw new SchemaLoadError(file, `$id must be ${expectedId}`);
  try {
    return ajv.compile(schema);
  } catch (err) {
    throw new SchemaLoadError(file, (err as Error).message);
  }
}

const escapePointer = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');

function toIssues(errors: ErrorObject[] | null | undefined, prefix: string): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors ?? []) {
    const issue = toIssue(error, prefix);
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

function toIssue(error: ErrorObject, prefix: string): SchemaIssue {
  const at = `${prefix}${error.instancePath}`;
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') {
    return { path: `${at}/${escapePointer(String(params.missingProperty))}`, message: 'is required' };
  }
  if (error.keyword === 'additionalProperties') {
    return { path: `${at}/${escapePointer(String(params.additionalProperty))}`, message: 'is not allowed' };
  }
  if (error.keyword === 'enum') {
    return { path: at, message: `must be one of ${(params.allowedValues as unknown[]).join(', ')}` };
  }
  return { path: at, message: error.message ?? error.keyword };
}
