import { compileSchemaParts, readYamlDocument, yamlFilesIn } from '../../kernel/documents.js';
import type { FileIssue } from '../../kernel/errors/index.js';
import { type DatasetDefinition, loadDatasets } from '../records/index.js';
import {
  type CheckContext,
  checkProcedure,
  type Issue,
  linkIssues,
  type ProcedureFile,
  toDefinition,
} from './checks.js';
import { eFormAjv } from './eform.js';
import type { ProcedureDefinition } from './events.js';

export type { ProcedureFile } from './checks.js';

/** A checked procedure file: what it publishes, and its withdrawal if it states one. */
export interface LoadedProcedure {
  file: string;
  definition: ProcedureDefinition;
  withdrawn?: { reason: string; on: string };
  /** Line of a JSON pointer in the file, for later checks (e.g. against the published catalogue). */
  lineOf(pointer: string): number | undefined;
}

export interface ProcedureFileResult {
  procedures: LoadedProcedure[];
  issues: FileIssue[];
}

export const PROCEDURES_DIR = new URL('../../../procedures/', import.meta.url).pathname;
const SCHEMA_FILE = 'procedure.schema.json';

/** The files a path names: a folder's `*.yaml` / `*.yml` (sorted), or the file itself. */
export const procedureFilesIn = (target = PROCEDURES_DIR): string[] => yamlFilesIn(target);

export const toFileIssue = (loaded: Pick<LoadedProcedure, 'file' | 'lineOf'>, issue: Issue): FileIssue => {
  const line = loaded.lineOf(issue.path);
  return { file: loaded.file, path: issue.path, ...(line ? { line } : {}), message: issue.message };
};

/**
 * Reads and checks procedure files: the schema (YAML syntax, with lines), the service level and fee,
 * the eForm (a strict JSON Schema whose every `x-prefill` names an existing dataset field, form
 * field or result type), the components' supplies, the links (mapped fields exist on both sides,
 * when the linked procedure is among the files) and codes unique across the files. Returns the
 * valid procedures and every issue found.
 */
export function readProcedureFiles(
  files: readonly string[],
  datasets: ReadonlyMap<string, DatasetDefinition> = loadDatasets(),
): ProcedureFileResult {
  const [validate, validatePrefill] = compileSchemaParts(SCHEMA_FILE, ['/$defs/prefill']);
  const ctx: CheckContext = { datasets, validatePrefill: validatePrefill!, ajv: eFormAjv() };
  const issues: FileIssue[] = [];
  const checked: { loaded: LoadedProcedure; issues: number }[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const parsed = readYamlDocument<ProcedureFile>(file, validate);
    if (!parsed.ok) {
      issues.push(...parsed.issues);
      continue;
    }
    const doc = parsed.value;
    const loaded: LoadedProcedure = {
      file,
      definition: toDefinition(doc),
      ...(doc.withdrawn ? { withdrawn: doc.withdrawn } : {}),
      lineOf: parsed.lineOf,
    };
    const found = checkProcedure(doc, ctx);
    const other = seen.get(doc.code);
    if (other) found.push({ path: '/code', message: `already used by ${other}` });
    seen.set(doc.code, file);
    issues.push(...found.map((i) => toFileIssue(loaded, i)));
    checked.push({ loaded, issues: found.length });
  }
  // links are checked among every file that passed the schema, so one file's problem hides no other's
  const inSet = new Map(checked.map(({ loaded }) => [loaded.definition.code, loaded.definition]));
  const procedures: LoadedProcedure[] = [];
  for (const c of checked) {
    const found = linkIssues(c.loaded.definition, (code) => inSet.get(code), ctx.ajv);
    issues.push(...found.map((i) => toFileIssue(c.loaded, i)));
    if (c.issues + found.length === 0) procedures.push(c.loaded);
  }
  return { procedures, issues };
}
