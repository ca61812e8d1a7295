import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../kernel/errors/index.js';

export interface HubSecrets {
  /** HMAC key for pseudonyms (32 bytes). */
  pseudonymSecret: Buffer;
  /** Wraps the per-subject keys (32 bytes). */
  masterKey: Buffer;
}

function decode(variable: string, value: string): Buffer {
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== 32)
    throw new ConfigError(variable, 'must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)');
  return bytes;
}

/**
 * The hub's secrets: from LIENTHONG_PSEUDONYM_SECRET and LIENTHONG_MASTER_KEY (required in
 * production), otherwise from `<dataDir>/secrets.json`, generated on first start with mode 0600.
 * Never in the repository, never in logs.
 */
export function loadSecrets(options: {
  env: Record<string, string | undefined>;
  dataDir: string;
  production: boolean;
}): HubSecrets {
  const { env } = options;
  const fromEnv = {
    pseudonym: env.LIENTHONG_PSEUDONYM_SECRET,
    master: env.LIENTHONG_MASTER_KEY,
  };
  if (fromEnv.pseudonym || fromEnv.master || options.production) {
    if (!fromEnv.pseudonym) throw new ConfigError('LIENTHONG_PSEUDONYM_SECRET', 'is required');
    if (!fromEnv.master) throw new ConfigError('LIENTHONG_MASTER_KEY', 'is required');
    return {
      pseudonymSecret: decode('LIENTHONG_PSEUDONYM_SECRET', fromEnv.pseudonym),
      masterKey: decode('LIENTHONG_MASTER_KEY', fromEnv.master),
    };
  }
  const file = path.join(options.dataDir, 'secrets.json');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(options.dataDir, { recursive: true });
    const fresh = {
      pseudonymSecret: randomBytes(32).toString('base64'),
      masterKey: randomBytes(32).toString('base64'),
    };
    fs.writeFileSync(file, `${JSON.stringify(fresh, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  }
  const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { pseudonymSecret: string; masterKey: string };
  return {
    pseudonymSecret: decode(`${file}: pseudonymSecret`, stored.pseudonymSecret),
    masterKey: decode(`${file}: masterKey`, stored.masterKey),
  };
}
