import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { mintDemoToken } from '../../demo/keys.js';
import { agenciesDataset } from '../../demo/seed/agencies.js';
import { calendarDataset } from '../../demo/seed/calendar.js';
import { syncDemoSources } from '../../demo/seed/connectors.js';
import { contractsDataset } from '../../demo/seed/contracts.js';
import { seedDemo } from '../../demo/seed/hub.js';
import { syntheticCitizens } from '../../demo/seed/population.js';
import { proceduresDataset } from '../../demo/seed/procedures.js';
import { buildApp } from '../app.js';
import { DEFAULT_AUDIENCE } from '../auth/authenticator.js';
import { openSqliteEventStore, type SqliteEventStore } from '../eventstore/sqlite.js';
import type { ProjectionRunnerPort } from '../http/projections.js';
import { loadConfig } from '../kernel/config.js';
import { StreamNotFoundError } from '../kernel/errors/index.js';
import type { EventStore, RecordedEvent } from '../kernel/event-store.js';
import type { HubModule, ModuleSettings } from '../kernel/module.js';
import type { Role } from '../kernel/principal.js';
import type { ProjectionDefinition } from '../kernel/projection.js';
import type { ReadModelDb } from '../kernel/read-model.js';
import { agenciesProjection } from '../modules/agencies/index.js';
import { workingCalendarProjection } from '../modules/calendar/index.js';
import { consentsProjection, type HubSigningKey, hubSigningKey } from '../modules/consent/index.js';
import { contractsProjection } from '../modules/contracts/index.js';
import { type ErasureResult, eraseSubject } from '../modules/erasure/index.js';
import { proceduresProjection } from '../modules/procedures/index.js';
import { type RecordSealing, recordsProjection } from '../modules/records/index.js';
import type { SubjectKeyStore } from '../privacy/key-store.js';
import type { Pseudonymizer } from '../privacy/pseudonym.js';
import { productionSecrets } from './secrets.js';
import { tempDir } from './temp.js';

/** Demo agencies the tests and the benchmark act as (demo/agencies.yaml). */
export const AGENCIES = {
  baDinh: '000.04.01.H26',
  ngocHa: '000.08.01.H26',
  hanoi: '000.00.00.H26',
  hoanKiem: '000.70.01.H26',
  quanBaDinh: '001.00.00.H26',
  baDinhPolice: '000.21.01.H26',
  hanoiSocialSecurity: '000.22.00.H26',
  portal: '000.10.00.G12',
  inspector: '000.00.00.G17',
} as const;

/**
 * The read models the API reads (the procedure catalogue included), and the working calendar
 * deadlines are counted in (the stream catalog and admin units are left out).
 */
export const API_PROJECTIONS: readonly ProjectionDefinition[] = [
  recordsProjection,
  agenciesProjection,
  contractsProjection,
  proceduresProjection,
  consentsProjection,
  workingCalendarProjection,
];

export interface TestHub {
  dir: string;
  /** The hub as the server builds it (`buildApp`), ready, not listening. */
  app: FastifyInstance;
  /**
   * The embedded store under the validation wrapper (size limit, integrity check, raw reads); it
   * stays open after `app.close()` until `close()`.
   */
  raw: SqliteEventStore;
  /** `app.store`: every append validated against its schema. */
  store: EventStore;
  /** `app.readModels`. */
  db: ReadModelDb;
  keys: SubjectKeyStore;
  sealing: RecordSealing;
  pseudonymize: Pseudonymizer;
  signingKey: HubSigningKey;
  runner: ProjectionRunnerPort;
  /** The seeded citizens in plaintext (what the population source system holds). */
  citizens: Record<string, unknown>[];
  /** Moves the API's clock (consent windows); tokens keep real time. */
  setNow(now: Date): void;
  token(agency: string, role: Role, options?: { citizenPid?: string; official?: string }): Promise<string>;
  gql(token: string | null, query: string, variables?: Record<string, unknown>): Promise<GqlResponse>;
  /** The access log of a citizen (`access-<pseudonym>`), in stream order; empty when none yet. */
  accessEvents(personalId: string): Promise<RecordedEvent[]>;
  /** Waits until every projection has applied everything in the store. */
  settle(): Promise<void>;
  /** Erases a citizen as an operator of the hub CLI would (`hub erase subject`). */
  erase(personalId: string): Promise<ErasureResult>;
  close(): Promise<void>;
}

export interface GqlResponse {
  status: number;
  data: Record<string, unknown> | null;
  errors?: { message: string; extensions: { code: string; [k: string]: unknown } }[];
}

export interface TestHubOptions {
  /** Synthetic citizens sealed into the `population` dataset. Default 20. */
  citizens?: number;
  /** The production profile (secrets from the environment, no GraphiQL, no introspection). */
  production?: boolean;
  /** Data directory to use (kept on close); default a fresh temporary one (removed on close). */
  dir?: string;
  /** Default `API_PROJECTIONS`. */
  projections?: readonly ProjectionDefinition[];
  /** The modules the hub runs (their plugins and GraphQL parts). Default: `hubModules`. */
  modules?: readonly HubModule[];
  /** More environment variables for `loadConfig` (e.g. `LIENTHONG_METRICS_TOKEN`). */
  env?: Record<string, string>;
  /**
   * Also make the demo's ministry databases for this many citizens under `<dir>/sources/` and sync
   * each through its connector (civil status, social insurance, judicial records, driving licences,
   * business registry, land parcels, and a population of their own beside the synthetic one);
   * `demoExamples(dir)` names citizens to ask about.
   */
  sources?: { citizens: number };
  /** Settings of the modules' plugins; the audit log's background signer is off unless given here. */
  settings?: ModuleSettings;
}

/** The store as the app sees it, except that closing it is left to the test hub's `close()`. */
function closedByTheHub(store: SqliteEventStore): EventStore {
  // Methods bound once: the benchmark calls the store through this on every request.
  const bound = new Map<PropertyKey, unknown>([['close', async () => undefined]]);
  return new Proxy(store, {
    get(target, property) {
      const method = bound.get(property);
      if (method !== undefined) return method;
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const own = value.bind(target);
      bound.set(property, own);
      return own;
    },
  });
}

/**
 * A real hub for tests and the benchmark, built by `buildApp` like the server's: the embedded
 * store, read models, subject keys and secrets in a data directory; the bundled working calendar,
 * the demo agencies (real keys), contracts, the procedure catalogue and `citizens` synthetic
 * citizens written by the demo seeding code; projections run by the real runner and caught up
 * before it returns; the consent sweeper and the data-quality evaluator off and the API clock
 * settable.
 */
export async function startTestHub(options: TestHubOptions = {}): Promise<TestHub> {
  const temp = options.dir ? undefined : tempDir();
  const dir = options.dir ?? temp!.dir;
  const env: Record<string, string> = {
    NODE_ENV: options.production ? 'production' : 'test',
    LOG_LEVEL: 'silent',
    LIENTHONG_DATA_DIR: dir,
    LIENTHONG_SEED_DEMO: 'false',
    ...options.env,
  };
  const config = loadConfig(options.production ? { ...env, ...productionSecrets() } : env);
  let now: Date | null = null;
  let raw: SqliteEventStore | undefined;
  const app = buildApp(config, {
    projections: options.projections ?? API_PROJECTIONS,
    modules: options.modules,
    clock: () => now ?? new Date(),
    consentSweepMs: 0,
    // the audit signer and the data-quality evaluator run when a test asks, never behind its back
    settings: { auditCheckpointMs: 0, dataQualityEvaluateMs: 0, ...options.settings },
    // The default opener, keeping the SQLite handle for what only the embedded store offers, open
    // until `close()` so tests can read what the app wrote on its way down (`app.close()`).
    openStore: async (store, opened) => {
      if (store.backend !== 'sqlite') throw new Error('the test hub runs on the embedded store');
      raw = await openSqliteEventStore({ file: store.file, maxBytes: store.maxBytes, ...opened });
      return closedByTheHub(raw);
    },
  });
  try {
    await app.ready();
    const count = options.citizens ?? 20;
    await seedDemo(app, dir, {
      datasets: (dataDir) => [
        calendarDataset(),
        agenciesDataset({ dataDir }),
        contractsDataset(),
        proceduresDataset(),
      ],
      population: { count },
    });
    if (options.sources) {
      await syncDemoSources({
        store: app.store,
        sealing: app.privacy.sealing,
        datasets: app.privacy.datasets,
        dataDir: dir,
        logger: app.log as Logger,
        citizens: options.sources.citizens,
      });
    }
    const settle = async () => app.projections.waitForPosition((await app.store.info()).lastPosition);
    await settle();
    const { sealing } = app.privacy;
    return {
      dir,
      app,
      raw: raw!,
      store: app.store,
      db: app.readModels,
      keys: sealing.keys,
      sealing,
      pseudonymize: sealing.pseudonymize,
      signingKey: await hubSigningKey(config.secrets.signingKey),
      runner: app.projections,
      citizens: syntheticCitizens(count),
      setNow: (at) => {
        now = at;
      },
      token: (agency, role, o = {}) =>
        mintDemoToken({
          dataDir: dir,
          agency,
          role,
          official: o.official ?? `${role}-official-1`,
          audience: DEFAULT_AUDIENCE,
          citizenPid: o.citizenPid,
        }),
      async gql(token, query, variables) {
        const res = await app.inject({
          method: 'POST',
          url: '/graphql',
          headers: token ? { authorization: `Bearer ${token}` } : {},
          payload: { query, variables },
        });
        return { status: res.statusCode, ...res.json() };
      },
      async accessEvents(personalId) {
        try {
          return await raw!.readStream(`access-${sealing.pseudonymize('citizen', personalId)}`);
        } catch (error) {
          if (error instanceof StreamNotFoundError) return [];
          throw error;
        }
      },
      settle,
      erase: (personalId) =>
        eraseSubject(
          {
            store: app.store,
            readModels: app.readModels,
            keys: sealing.keys,
            pseudonymize: sealing.pseudonymize,
            actor: { kind: 'operator', id: 'hub-cli', official: 'op-1' },
            logger: app.log as Logger,
          },
          personalId,
        ),
      async close() {
        await app.close();
        await raw?.close();
        temp?.remove();
      },
    };
  } catch (error) {
    await app.close();
    await raw?.close();
    temp?.remove();
    throw error;
  }
}
