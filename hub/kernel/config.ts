import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { ConfigError } from './errors/index.js';

/** Which event-store backend to open, and where. */
export type StoreConfig =
  | { backend: 'sqlite'; file: string; maxBytes?: number }
  | { backend: 'kurrentdb'; url: string };

export type Profile = 'development' | 'production' | 'test';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  readonly profile: Profile;
  readonly http: { readonly host: string; readonly port: number };
  readonly log: { readonly level: LogLevel; readonly pretty: boolean };
  /** Absolute path of the directory holding the embedded store and the read models. */
  readonly dataDir: string;
  readonly store: Readonly<StoreConfig>;
  /** SQLite file of the projections' read models (always local, whatever the store backend). */
  readonly readModelsFile: string;
  readonly seedDemo: boolean;
}

/** The environment variables the hub reads, as the JSON Schema that validates them. */
const envSchema = {
  type: 'object',
  properties: {
    NODE_ENV: {
      type: 'string',
      enum: ['development', 'production', 'test'],
      'x-expect': 'one of development, production, test',
    },
    HOST: { type: 'string', minLength: 1, 'x-expect': 'a host name or IP address' },
    PORT: { type: 'integer', minimum: 1, maximum: 65535, 'x-expect': 'an integer between 1 and 65535' },
    LOG_LEVEL: {
      type: 'string',
      enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      'x-expect': 'one of fatal, error, warn, info, debug, trace, silent',
    },
    LIENTHONG_DATA_DIR: { type: 'string', minLength: 1, 'x-expect': 'a directory path' },
    LIENTHONG_STORE: { type: 'string', enum: ['sqlite', 'kurrentdb'], 'x-expect': 'sqlite or kurrentdb' },
    KURRENTDB_URL: {
      type: 'string',
      pattern: '^(kurrentdb|kurrent|kdb|esdb)(\\+discover)?://.+',
      'x-expect': 'a connection string such as kurrentdb://host:2113?tls=false',
      'x-secret': true,
    },
    LIENTHONG_STORE_MAX_BYTES: {
      type: 'string',
      pattern: '^[0-9]+(\\.[0-9]+)? *([KMGT]i?B?|B)?$',
      'x-expect': 'a size in bytes, optionally with a unit (e.g. 500MB, 2GiB)',
    },
    LIENTHONG_SEED_DEMO: { type: 'boolean', 'x-expect': 'true or false' },
  },
  if: { properties: { LIENTHONG_STORE: { const: 'kurrentdb' } }, required: ['LIENTHONG_STORE'] },
  // biome-ignore lint/suspicious/noThenProperty: the JSON Schema if/then keyword
  then: { required: ['KURRENTDB_URL'] },
} as const;

type Variable = keyof typeof envSchema.properties;

interface Env {
  NODE_ENV?: Profile;
  HOST?: string;
  PORT?: number;
  LOG_LEVEL?: LogLevel;
  LIENTHONG_DATA_DIR?: string;
  LIENTHONG_STORE?: 'sqlite' | 'kurrentdb';
  KURRENTDB_URL?: string;
  LIENTHONG_STORE_MAX_BYTES?: string;
  LIENTHONG_SEED_DEMO?: boolean;
}

const ajv = new Ajv({ coerceTypes: true, strict: true, strictRequired: false });
ajv.addKeyword({ keyword: 'x-expect', schemaType: 'string' });
ajv.addKeyword({ keyword: 'x-secret', schemaType: 'boolean' });
const validateEnv = ajv.compile<Env>(envSchema);

/**
 * Reads and validates the hub's configuration from environment variables. Empty values count as
 * unset. Throws ConfigError naming the first wrong variable and why.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {};
  for (const name of Object.keys(envSchema.properties)) {
    const value = env[name]?.trim();
    if (value) raw[name] = value;
  }
  const original = { ...raw };
  if (!validateEnv(raw)) throw toConfigError(validateEnv.errors?.[0], original);
  const e = raw as Env;

  const profile = e.NODE_ENV ?? 'development';
  const dataDir = path.resolve(e.LIENTHONG_DATA_DIR ?? './data');
  const store: StoreConfig =
    e.LIENTHONG_STORE === 'kurrentdb'
      ? { backend: 'kurrentdb', url: e.KURRENTDB_URL! }
      : {
          backend: 'sqlite',
          file: path.join(dataDir, 'events.db'),
          ...(e.LIENTHONG_STORE_MAX_BYTES ? { maxBytes: parseSize(e.LIENTHONG_STORE_MAX_BYTES) } : {}),
        };
  return deepFreeze({
    profile,
    http: { host: e.HOST ?? '127.0.0.1', port: e.PORT ?? 3000 },
    log: { level: e.LOG_LEVEL ?? (profile === 'test' ? 'warn' : 'info'), pretty: profile === 'development' },
    dataDir,
    store,
    readModelsFile: path.join(dataDir, 'readmodels.db'),
    seedDemo: e.LIENTHONG_SEED_DEMO ?? profile !== 'production',
  });
}

function toConfigError(error: ErrorObject | undefined, original: Record<string, unknown>): ConfigError {
  if (!error) return new ConfigError('environment', 'invalid configuration');
  if (error.keyword === 'required') {
    const missing = String(error.params.missingProperty);
    return new ConfigError(missing, 'is required when LIENTHONG_STORE=kurrentdb');
  }
  const variable = error.instancePath.slice(1) as Variable;
  const schema = envSchema.properties[variable];
  if (!schema) return new ConfigError('environment', error.message ?? 'invalid configuration');
  const shown = 'x-secret' in schema ? '' : ` (got ${JSON.stringify(original[variable])})`;
  return new ConfigError(variable, `must be ${schema['x-expect']}${shown}`);
}

const UNITS: Record<string, number> = {
  B: 1,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  KI: 2 ** 10,
  MI: 2 ** 20,
  GI: 2 ** 30,
  TI: 2 ** 40,
};

function parseSize(text: string): number {
  const match = /^([0-9.]+) *([KMGT]i?)?B?$/i.exec(text)!;
  const unit = (match[2] ?? 'B').toUpperCase();
  const bytes = Math.floor(Number(match[1]) * UNITS[unit]!);
  if (bytes < 1)
    throw new ConfigError('LIENTHONG_STORE_MAX_BYTES', `must be at least 1 byte (got "${text}")`);
  return bytes;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
