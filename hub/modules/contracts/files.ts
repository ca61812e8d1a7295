import { compileSchema, readYamlDocument, yamlFilesIn } from '../../kernel/documents.js';
import type { FileIssue } from '../../kernel/errors/index.js';
import { type DatasetDefinition, loadDatasets } from '../records/index.js';
import type { ContractTerms } from './events.js';

/** A contract file as written (schemas/contract.schema.json). */
export interface ContractFile extends Omit<ContractTerms, 'contractId' | 'validUntil'> {
  id: string;
  validUntil?: string | null;
  revoked?: { reason: string; on: string };
}

export interface LoadedContract {
  file: string;
  terms: ContractTerms;
  revoked?: { reason: string; on: string };
  /** Line of a JSON pointer in the file, for later checks (e.g. against the agency registry). */
  lineOf(pointer: string): number | undefined;
}

export interface ContractFileResult {
  contracts: LoadedContract[];
  issues: FileIssue[];
}

export const CONTRACTS_DIR = new URL('../../../contracts/', import.meta.url).pathname;

/** Every `*.yaml` / `*.yml` of a folder, sorted. */
export const contractFilesIn = (dir = CONTRACTS_DIR) => yamlFilesIn(dir);

export const toTerms = (c: ContractFile): ContractTerms => {
  const { id, revoked: _revoked, validUntil, ...rest } = c;
  return { contractId: id, ...rest, validUntil: validUntil ?? null };
};

/**
 * Reads and checks contract files: schema, YAML syntax (with lines), dataset and fields, dates, and
 * ids unique across the files. Returns the valid contracts and every issue found.
 */
export function readContractFiles(
  files: readonly string[],
  datasets: Map<string, DatasetDefinition> = loadDatasets(),
): ContractFileResult {
  const validate = compileSchema('contract.schema.json');
  const result: ContractFileResult = { contracts: [], issues: [] };
  const seen = new Map<string, string>();
  for (const file of files) {
    const parsed = readYamlDocument<ContractFile>(file, validate);
    if (!parsed.ok) {
      result.issues.push(...parsed.issues);
      continue;
    }
    const doc = parsed.value;
    const issue = (p: string, message: string) => {
      const line = parsed.lineOf(p);
      result.issues.push({ file, path: p, ...(line ? { line } : {}), message });
    };
    const before = result.issues.length;
    const dataset = datasets.get(doc.dataset);
    if (!dataset) issue('/dataset', `unknown dataset (known: ${[...datasets.keys()].join(', ')})`);
    doc.fields.forEach((f, i) => {
      if (dataset && !dataset.fields.includes(f))
        issue(`/fields/${i}`, `${f} is not a field of ${doc.dataset}`);
    });
    if (doc.provider === doc.consumer) issue('/consumer', 'must differ from the provider');
    if (doc.validUntil && doc.validUntil <= doc.validFrom) issue('/validUntil', 'must be after validFrom');
    if (doc.revoked && doc.revoked.on < doc.validFrom) issue('/revoked/on', 'must not be before validFrom');
    const other = seen.get(doc.id);
    if (other) issue('/id', `already used by ${other}`);
    seen.set(doc.id, file);
    if (result.issues.length === before) {
      result.contracts.push({
        file,
        terms: toTerms(doc),
        ...(doc.revoked ? { revoked: doc.revoked } : {}),
        lineOf: parsed.lineOf,
      });
    }
  }
  return result;
}
