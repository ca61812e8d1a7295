import fs from 'node:fs';
import { compileSchema, parseYamlDocument } from '../../kernel/documents.js';
import { InvalidDocumentError } from '../../kernel/errors/index.js';
import type { AgencyDescriptor, AgencyRetiredData } from './events.js';
import { ensureDemoKey } from './local-keys.js';

/** An entry of an agency file (schemas/agency-seed.schema.json). */
export type AgencyFileEntry = Omit<AgencyDescriptor, 'keys'> & {
  keys: AgencyDescriptor['keys'] | 'demo';
  retired?: Omit<AgencyRetiredData, 'organCode'>;
};

/** Reads and validates an agency file (YAML or JSON); throws InvalidDocumentError naming file, path and line. */
export function readAgencyFile(file: string, text = fs.readFileSync(file, 'utf8')): AgencyFileEntry[] {
  const validate = compileSchema('agency-seed.schema.json');
  const parsed = parseYamlDocument<{ agencies: AgencyFileEntry[] }>(file, text, validate);
  if (!parsed.ok) throw new InvalidDocumentError(parsed.issues);
  const seen = new Set<string>();
  parsed.value.agencies.forEach((a, i) => {
    if (seen.has(a.organCode)) {
      const path = `/agencies/${i}/organCode`;
      throw new InvalidDocumentError([{ file, path, line: parsed.lineOf(path), message: 'is listed twice' }]);
    }
    seen.add(a.organCode);
  });
  return parsed.value.agencies;
}

/**
 * Turns an agency file entry into what the registry records. `keys: demo` generates (or reuses) a key
 * pair under `<dataDir>/demo-keys/` and registers only its public half.
 */
export async function resolveAgencyEntry(
  entry: AgencyFileEntry,
  dataDir: string,
): Promise<{ agency: AgencyDescriptor; retirement?: AgencyRetiredData }> {
  const { keys, retired, ...rest } = entry;
  const agency: AgencyDescriptor = {
    ...rest,
    keys: keys === 'demo' ? { jwks: { keys: [await ensureDemoKey(dataDir, entry.organCode)] } } : keys,
  };
  return retired ? { agency, retirement: { organCode: entry.organCode, ...retired } } : { agency };
}
