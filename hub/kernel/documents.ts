import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type SchemaObject, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { type Document, isNode, LineCounter, parseDocument } from 'yaml';
import { type FileIssue, SchemaLoadError } from './errors/index.js';

export const SCHEMAS_DIR = fileURLToPath(new URL('../../schemas', import.meta.url));

/** The ajv documents are checked with: draft 2020-12, strict, every error, with formats. */
export function schemaAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  ajvFormats.default(ajv);
  return ajv;
}

/** Compiles a schema under schemas/ (`schemaAjv`). */
export const compileSchema = (file: string): ValidateFunction => compileSchemaParts(file, [])[0];

/**
 * Compiles a schema under schemas/, then the parts of it named by JSON pointers (`/$defs/prefill`),
 * in one ajv: the file is read and compiled once. Returns the whole schema's validator, then each
 * part's.
 */
export function compileSchemaParts(
  file: string,
  pointers: readonly string[],
): [ValidateFunction, ...ValidateFunction[]] {
  const full = path.join(SCHEMAS_DIR, file);
  const ajv = schemaAjv();
  try {
    ajv.addSchema(JSON.parse(fs.readFileSync(full, 'utf8')) as SchemaObject, full);
    const compiled = (ref: string) => {
      const validate = ajv.getSchema(ref);
      if (!validate) throw new Error(`no ${ref.slice(full.length + 1)}`);
      return validate;
    };
    return [compiled(full), ...pointers.map((pointer) => compiled(`${full}#${pointer}`))];
  } catch (err) {
    throw new SchemaLoadError(full, (err as Error).message);
  }
}

export type Parsed<T> =
  | { ok: true; value: T; lineOf(pointer: string): number | undefined }
  | { ok: false; issues: FileIssue[] };

const MAX_DOCUMENT_BYTES = 1024 * 1024;

/**
 * Parses YAML (JSON is YAML) and validates it against a schema. Issues name the file, a JSON pointer
 * and, where the document has one, the line.
 */
export function parseYamlDocument<T>(file: string, text: string, validate: ValidateFunction): Parsed<T> {
  if (text.length > MAX_DOCUMENT_BYTES) {
    return { ok: false, issues: [{ file, path: '', message: `larger than ${MAX_DOCUMENT_BYTES} bytes` }] };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const issues = new Map<string, FileIssue>();
    for (const e of doc.errors) {
      const line = e.linePos?.[0].line;
      const message = `YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`;
      issues.set(`${line}\u0000${message}`, { file, path: '', ...(line ? { line } : {}), message });
    }
    return { ok: false, issues: [...issues.values()] };
  }
  const value = doc.toJS({ maxAliasCount: 50 }) as unknown;
  const lineOf = (pointer: string) => lineOfPointer(doc, lineCounter, pointer);
  if (!validate(value)) {
    return { ok: false, issues: schemaIssues(file, validate.errors, lineOf) };
  }
  return { ok: true, value: value as T, lineOf };
}

/** The YAML files a path names: a folder's `*.yaml` / `*.yml`, sorted, or the path itself when it is a file. */
export function yamlFilesIn(target: string): string[] {
  if (!fs.statSync(target).isDirectory()) return [target];
  return fs
    .readdirSync(target)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(target, f));
}

/** `parseYamlDocument` of a file's text; a file that cannot be read is an issue, not an exception. */
export function readYamlDocument<T>(file: string, validate: ValidateFunction): Parsed<T> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    return {
      ok: false,
      issues: [{ file, path: '', message: `cannot read: ${(err as NodeJS.ErrnoException).code}` }],
    };
  }
  return parseYamlDocument<T>(file, text, validate);
}

const decodeSegment = (s: string) => s.replaceAll('~1', '/').replaceAll('~0', '~');

function lineOfPointer(doc: Document, lineCounter: LineCounter, pointer: string): number | undefined {
  const segments = pointer
    .split('/')
    .slice(1)
    .map(decodeSegment)
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  for (let n = segments.length; n >= 0; n--) {
    const node = doc.getIn(segments.slice(0, n), true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}

export function schemaIssues(
  file: string,
  errors: ErrorObject[] | null | undefined,
  lineOf: (pointer: string) => number | undefined,
): FileIssue[] {
  const seen = new Set<string>();
  const out: FileIssue[] = [];
  for (const error of errors ?? []) {
    if (error.keyword === 'oneOf' || error.keyword === 'if') continue;
    const params = error.params as Record<string, unknown>;
    let at = error.instancePath;
    let message = error.message ?? error.keyword;
    if (error.keyword === 'required') message = `is required (missing ${String(params.missingProperty)})`;
    if (error.keyword === 'additionalProperties') {
      at = `${at}/${String(params.additionalProperty)}`;
      message = 'is not allowed';
    }
    if (error.keyword === 'enum')
      message = `must be one of ${(params.allowedValues as unknown[]).join(', ')}`;
    const key = `${at}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const line = lineOf(at);
    out.push({ file, path: at, ...(line ? { line } : {}), message });
  }
  return out;
}
