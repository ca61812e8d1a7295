import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import { ConfigError } from './errors/index.js';

export const SECRET_VARIABLES = {
  pseudonymSecret: 'LIENTHONG_PSEUDONYM_SECRET',
  masterKey: 'LIENTHONG_MASTER_KEY',
  signingKey: 'LIENTHONG_SIGNING_KEY',
} as const;

/** The hub's private Ed25519 key as a JWK (what `LIENTHONG_SIGNING_KEY` holds). */
export interface SigningJwk {
  readonly kty: 'OKP';
  readonly crv: 'Ed25519';
  /** Private key, base64url (32 bytes). */
  readonly d: string;
  /** Public key, base64url (32 bytes). */
  readonly x: string;
}

const BASE64URL_32 = /^[A-Za-z0-9_-]{43}$/;

/** 32 bytes, base64-encoded; `origin` names the variable or file, never the value. */
function decodeKey(origin: string, value: unknown): Buffer {
  const wrong = () =>
    new ConfigError(origin, 'must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)');
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) throw wrong();
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== 32) throw wrong();
  return bytes;
}

/** An Ed25519 private JWK whose `x` is the public half of its `d`. */
function signingJwk(origin: string, value: unknown): SigningJwk {
  let jwk: Record<string, unknown>;
  try {
    jwk = typeof value === 'string' ? JSON.parse(value) : value;
  } catch {
    throw new ConfigError(origin, 'must be an Ed25519 private JWK as JSON');
  }
  const shape = 'must be an Ed25519 private JWK (kty OKP, crv Ed25519, d and x of 32 bytes each, base64url)';
  if (
    !jwk ||
    typeof jwk !== 'object' ||
    jwk.kty !== 'OKP' ||
    jwk.crv !== 'Ed25519' ||
    typeof jwk.d !== 'string' ||
    typeof jwk.x !== 'string' ||
    !BASE64URL_32.test(jwk.d) ||
    !BASE64URL_32.test(jwk.x)
  )
    throw new ConfigError(origin, shape);
  const key = { kty: 'OKP', crv: 'Ed25519', d: jwk.d, x: jwk.x } as const;
  const publicX = createPublicKey(createPrivateKey({ key, format: 'jwk' })).export({ format: 'jwk' }).x;
  if (publicX !== key.x) throw new ConfigError(origin, 'has an x that is not the public half of its d');
  return key;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    throw new ConfigError(file, 'is not valid JSON');
  }
}

/** Writes `content` unless the file exists (another process may have created it first). */
function createOnce(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, content, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

interface KeyPairFile {
  pseudonymSecret: Buffer;
  masterKey: Buffer;
}

function localKeys(dataDir: string): KeyPairFile {
  const file = path.join(dataDir, 'secrets.json');
  const fresh = {
    pseudonymSecret: randomBytes(32).toString('base64'),
    masterKey: randomBytes(32).toString('base64'),
  };
  createOnce(file, `${JSON.stringify(fresh, null, 2)}\n`);
  const stored = readJson(file) as Record<string, unknown>;
  return {
    pseudonymSecret: decodeKey(`${file}: pseudonymSecret`, stored?.pseudonymSecret),
    masterKey: decodeKey(`${file}: masterKey`, stored?.masterKey),
  };
}

function localSigningKey(dataDir: string): SigningJwk {
  const file = path.join(dataDir, 'signing-key.json');
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  createOnce(file, `${JSON.stringify(jwk)}\n`);
  return signingJwk(file, readJson(file));
}

/**
 * The hub's secrets, part of the validated configuration. Values given in the environment are
 * checked when the configuration is loaded; outside production, a secret not given is read from
 * `<dataDir>/secrets.json` / `<dataDir>/signing-key.json`, generated (mode 0600) on first use, so a
 * command that never needs a secret writes no file. Errors name the variable or file, never the
 * value; the object prints as `[secrets]` (JSON, util.inspect, pino).
 */
export class HubSecrets {
  readonly #keys: () => KeyPairFile;
  readonly #signing: () => SigningJwk;

  private constructor(keys: () => KeyPairFile, signing: () => SigningJwk) {
    this.#keys = once(keys);
    this.#signing = once(signing);
  }

  /** HMAC key of citizens' pseudonyms (32 bytes). */
  get pseudonymSecret(): Buffer {
    return this.#keys().pseudonymSecret;
  }

  /** Wraps the per-subject keys (32 bytes). */
  get masterKey(): Buffer {
    return this.#keys().masterKey;
  }

  /** The private Ed25519 JWK that signs consent receipts. */
  get signingKey(): SigningJwk {
    return this.#signing();
  }

  toJSON(): string {
    return '[secrets]';
  }

  [inspect.custom](): string {
    return '[secrets]';
  }

  /**
   * Reads the three variables. In production (or when either of the first two is set) both 32-byte
   * keys must be given; in production the signing key too.
   */
  static from(env: Record<string, string | undefined>, dataDir: string, production: boolean): HubSecrets {
    const given = (name: string) => env[name]?.trim() || undefined;
    const pseudonym = given(SECRET_VARIABLES.pseudonymSecret);
    const master = given(SECRET_VARIABLES.masterKey);
    const signing = given(SECRET_VARIABLES.signingKey);

    let keys: () => KeyPairFile;
    if (pseudonym || master || production) {
      if (!pseudonym) throw new ConfigError(SECRET_VARIABLES.pseudonymSecret, 'is required');
      if (!master) throw new ConfigError(SECRET_VARIABLES.masterKey, 'is required');
      const fromEnv = {
        pseudonymSecret: decodeKey(SECRET_VARIABLES.pseudonymSecret, pseudonym),
        masterKey: decodeKey(SECRET_VARIABLES.masterKey, master),
      };
      keys = () => fromEnv;
    } else {
      keys = () => localKeys(dataDir);
    }

    let signingKey: () => SigningJwk;
    if (signing || production) {
      if (!signing) throw new ConfigError(SECRET_VARIABLES.signingKey, 'is required');
      const jwk = signingJwk(SECRET_VARIABLES.signingKey, signing);
      signingKey = () => jwk;
    } else {
      signingKey = () => localSigningKey(dataDir);
    }
    return new HubSecrets(keys, signingKey);
  }
}

function once<T>(load: () => T): () => T {
  let loaded: { value: T } | undefined;
  return () => {
    loaded ??= { value: load() };
    return loaded.value;
  };
}
