import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { ConfigError } from './errors/index.js';
import { HubSecrets } from './secrets.js';

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
  readonly metrics: MetricsConfig;
  readonly exchange: ExchangeConfig;
  /**
   * LIENTHONG_PSEUDONYM_SECRET, LIENTHONG_MASTER_KEY, LIENTHONG_SIGNING_KEY (required in production;
   * otherwise generated into the data directory on first use). Prints as `[secrets]`.
   */
  readonly secrets: HubSecrets;
}

// ── Metrics: where GET /metrics is served and who may read it ──────────────────────────────────

export interface MetricsConfig {
  /** A listener of its own for /metrics; absent: served on the API port. */
  readonly listen?: { readonly host: string; readonly port: number };
  /** Bearer token every /metrics request must present, wherever it is served. */
  readonly token?: string;
}

/** Default metrics port in production (the port Prometheus exporters conventionally use). */
export const DEFAULT_METRICS_PORT = 9464;

const metricsVariables = {
  LIENTHONG_METRICS_PORT: {
    type: 'integer',
    minimum: 0,
    maximum: 65535,
    'x-expect': 'an integer between 0 (on the API port) and 65535',
  },
  LIENTHONG_METRICS_HOST: { type: 'string', minLength: 1, 'x-expect': 'a host name or IP address' },
  LIENTHONG_METRICS_TOKEN: {
    type: 'string',
    minLength: 32,
    pattern: '^[A-Za-z0-9._~+/-]+=*$',
    'x-expect': 'at least 32 characters of A-Z a-z 0-9 - . _ ~ + / (e.g. openssl rand -hex 32)',
    'x-secret': true,
  },
} as const;

interface MetricsEnv {
  LIENTHONG_METRICS_PORT?: number;
  LIENTHONG_METRICS_HOST?: string;
  LIENTHONG_METRICS_TOKEN?: string;
}

/**
 * Metrics are never readable by just anyone on the API port in production: by default they get a
 * listener of their own on 127.0.0.1:9464; with LIENTHONG_METRICS_PORT=0 they stay on the API
 * port and LIENTHONG_METRICS_TOKEN is required. Outside production they stay on the API port
 * unless a port is given.
 */
function metricsConfig(e: MetricsEnv, profile: Profile, apiPort: number): MetricsConfig {
  const port = e.LIENTHONG_METRICS_PORT ?? (profile === 'production' ? DEFAULT_METRICS_PORT : 0);
  const token = e.LIENTHONG_METRICS_TOKEN;
  if (port === 0) {
    if (e.LIENTHONG_METRICS_HOST) {
      throw new ConfigError(
        'LIENTHONG_METRICS_HOST',
        'needs a metrics port of its own (LIENTHONG_METRICS_PORT)',
      );
    }
    if (profile === 'production' && !token) {
      throw new ConfigError(
        'LIENTHONG_METRICS_TOKEN',
        'is required in production when metrics are served on the API port (LIENTHONG_METRICS_PORT=0)',
      );
    }
    return token ? { token } : {};
  }
  if (port === apiPort)
    throw new ConfigError('LIENTHONG_METRICS_PORT', `must differ from PORT (got ${port})`);
  return { listen: { host: e.LIENTHONG_METRICS_HOST ?? '127.0.0.1', port }, ...(token ? { token } : {}) };
}

// ── Document exchange: which hub this is, its directory, and the certificates it trusts ──────────

export interface ExchangeConfig {
  /** This hub's id in the hub directory (`LIENTHONG_HUB_ID`, default `hub.local`). */
  readonly hubId: string;
  /** The hub directory (`LIENTHONG_EXCHANGE_HUBS_FILE`); absent: this hub alone, root of itself, serving every organ. */
  readonly hubsFile?: string;
  /**
   * Directory of the demo certificate authority (`ca.pem`, `ca.key.pem`), created at first use;
   * hubs on one machine that share it trust each other's demo certificates.
   */
  readonly caDir: string;
  /**
   * PEM file or directory of the CA certificates whose certificates signatures are accepted from
   * (production: the government CA's, set by the operator). Default outside production: the demo
   * CA's `ca.pem`; in production none, and no signature is trusted until it is set.
   */
  readonly trustAnchors?: string;
}

/** Where the demo certificate authority lives when LIENTHONG_EXCHANGE_CA_DIR is not set. */
export const defaultExchangeCaDir = (dataDir: string): string => path.join(dataDir, 'demo-ca');

const exchangeVariables = {
  LIENTHONG_HUB_ID: {
    type: 'string',
    pattern: '^[a-z0-9][a-z0-9.-]{1,62}$',
    'x-expect': 'a hub id of lower-case letters, digits, dots and dashes (e.g. hub.h26)',
  },
  LIENTHONG_EXCHANGE_HUBS_FILE: {
    type: 'string',
    minLength: 1,
    'x-expect': 'the path of a hub directory file',
  },
  LIENTHONG_EXCHANGE_CA_DIR: { type: 'string', minLength: 1, 'x-expect': 'a directory path' },
  LIENTHONG_EXCHANGE_TRUST_ANCHORS: {
    type: 'string',
    minLength: 1,
    'x-expect': 'the path of a PEM file or of a directory of PEM files',
  },
} as const;

interface ExchangeEnv {
  LIENTHONG_HUB_ID?: string;
  LIENTHONG_EXCHANGE_HUBS_FILE?: string;
  LIENTHONG_EXCHANGE_CA_DIR?: string;
  LIENTHONG_EXCHANGE_TRUST_ANCHORS?: string;
}

function exchangeConfig(e: ExchangeEnv, profile: Profile, dataDir: string): ExchangeConfig {
  const caDir = path.resolve(e.LIENTHONG_EXCHANGE_CA_DIR ?? defaultExchangeCaDir(dataDir));
  const anchors = e.LIENTHONG_EXCHANGE_TRUST_ANCHORS;
  const trustAnchors = anchors
    ? path.resolve(anchors)
    : profile === 'production'
      ? undefined
      : path.join(caDir, 'ca.pem');
  return {
    hubId: e.LIENTHONG_HUB_ID ?? 'hub.local',
    ...(e.LIENTHONG_EXCHANGE_HUBS_FILE ? { hubsFile: path.resolve(e.LIENTHONG_EXCHANGE_HUBS_FILE) } : {}),
    caDir,
    ...(trustAnchors ? { trustAnchors } : {}),
  };
}

// ── Environment ────────────────────────────────────────────────────────────────────────────────

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
    ...metricsVariables,
    ...exchangeVariables,
  },
  if: { properties: { LIENTHONG_STORE: { const: 'kurrentdb' } }, required: ['LIENTHONG_STORE'] },
  // biome-ignore lint/suspicious/noThenProperty: the JSON Schema if/then keyword
  then: { required: ['KURRENTDB_URL'] },
} as const;

type Variable = keyof typeof envSchema.properties;

interface Env extends MetricsEnv, ExchangeEnv {
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
 * Reads and validates the hub's configuration from environment variables, secrets included. Empty
 * values count as unset. Throws ConfigError naming the first wrong variable and why (never the value
 * of a secret).
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
  const http = { host: e.HOST ?? '127.0.0.1', port: e.PORT ?? 3000 };
  return deepFreeze({
    profile,
    http,
    log: { level: e.LOG_LEVEL ?? (profile === 'test' ? 'warn' : 'info'), pretty: profile === 'development' },
    dataDir,
    store,
    readModelsFile: path.join(dataDir, 'readmodels.db'),
    seedDemo: e.LIENTHONG_SEED_DEMO ?? profile !== 'production',
    metrics: metricsConfig(e, profile, http.port),
    exchange: exchangeConfig(e, profile, dataDir),
    secrets: HubSecrets.from(env, dataDir, profile === 'production'),
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
