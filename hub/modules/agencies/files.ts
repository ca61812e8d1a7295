import type { AgencyFileEntry } from './commands.js';
import type { AgencyDescriptor, AgencyRetiredData } from './events.js';
import { ensureDemoKey } from './local-keys.js';

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
