import fs from 'node:fs';
import { compileSchema, parseYamlDocument } from '../../kernel/documents.js';
import { type FileIssue, InvalidDocumentError } from '../../kernel/errors/index.js';
import { ensureDemoOrganCredentials, readCertificate } from '../exchange/pki/index.js';
import type { AgencyDescriptor, AgencyRetiredData } from './events.js';
import { ensureDemoKey } from './local-keys.js';

/** An entry of an agency file (schemas/agency-seed.schema.json). */
export type AgencyFileEntry = Omit<AgencyDescriptor, 'keys'> & {
  keys: AgencyDescriptor['keys'] | 'demo';
  /** `demo`: issue a certificate from the demo certificate authority and register it. */
  x509?: 'demo';
  retired?: Omit<AgencyRetiredData, 'organCode'>;
};

/** Reads and validates an agency file (YAML or JSON); throws InvalidDocumentError naming file, path and line. */
export function readAgencyFile(file: string, text = fs.readFileSync(file, 'utf8')): AgencyFileEntry[] {
  const validate = compileSchema('agency-seed.schema.json');
  const parsed = parseYamlDocument<{ agencies: AgencyFileEntry[] }>(file, text, validate);
  if (!parsed.ok) throw new InvalidDocumentError(parsed.issues);
  const issue = (path: string, message: string): FileIssue => ({
    file,
    path,
    line: parsed.lineOf(path),
    message,
  });
  const seen = new Set<string>();
  parsed.value.agencies.forEach((a, i) => {
    if (seen.has(a.organCode))
      throw new InvalidDocumentError([issue(`/agencies/${i}/organCode`, 'is listed twice')]);
    seen.add(a.organCode);
    a.certificates?.forEach((pem, j) => {
      if (!readCertificate(pem))
        throw new InvalidDocumentError([
          issue(`/agencies/${i}/certificates/${j}`, 'is not an X.509 certificate'),
        ]);
    });
  });
  return parsed.value.agencies;
}

export interface ResolveOptions {
  /** The demo certificate authority's directory for `x509: demo` (default `<dataDir>/demo-ca`). */
  exchangeCaDir?: string;
}

/**
 * Turns an agency file entry into what the registry records. `keys: demo` generates (or reuses) a key
 * pair under `<dataDir>/demo-keys/` and registers only its public half; `x509: demo` does the same
 * with an X.509 certificate of the demo certificate authority, added to the certificates listed.
 */
export async function resolveAgencyEntry(
  entry: AgencyFileEntry,
  dataDir: string,
  options: ResolveOptions = {},
): Promise<{ agency: AgencyDescriptor; retirement?: AgencyRetiredData }> {
  const { keys, x509, retired, ...rest } = entry;
  const agency: AgencyDescriptor = {
    ...rest,
    keys: keys === 'demo' ? { jwks: { keys: [await ensureDemoKey(dataDir, entry.organCode)] } } : keys,
  };
  if (x509 === 'demo') {
    const organ = { organCode: entry.organCode, name: entry.name };
    const { certificatePem } = await ensureDemoOrganCredentials(dataDir, organ, {
      caDir: options.exchangeCaDir,
    });
    agency.certificates = [
      ...(entry.certificates ?? []).filter((pem) => pem !== certificatePem),
      certificatePem,
    ];
  }
  return retired ? { agency, retirement: { organCode: entry.organCode, ...retired } } : { agency };
}
