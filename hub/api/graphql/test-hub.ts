import path from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { mintDemoToken } from '../../../demo/keys.js';
import { agenciesDataset } from '../../../demo/seed/agencies.js';
import { contractsDataset } from '../../../demo/seed/contracts.js';
import { seedDemoData } from '../../../demo/seed/demo.js';
import { populationDataset, syntheticCitizens } from '../../../demo/seed/population.js';
import { DEFAULT_AUDIENCE } from '../../auth/authenticator.js';
import { authPlugin } from '../../auth/plugin.js';
import type { Role } from '../../auth/principal.js';
import { withValidation } from '../../events/validating-store.js';
import { createEventValidator } from '../../events/validator.js';
import { openSqliteEventStore, type SqliteEventStore } from '../../eventstore/sqlite.js';
import type { EventStore } from '../../kernel/event-store.js';
import type { ReadModelDb } from '../../kernel/read-model.js';
import { agenciesProjection } from '../../modules/agencies/index.js';
import { consentsProjection, type HubSigningKey, loadHubSigningKey } from '../../modules/consent/index.js';
import { contractsProjection } from '../../modules/contracts/index.js';
import { deriveVersionKey, type RecordSealing, recordsProjection } from '../../modules/records/index.js';
import { SubjectKeyStore } from '../../privacy/key-store.js';
import { createPseudonymizer, type Pseudonymizer } from '../../privacy/pseudonym.js';
import { loadSecrets } from '../../privacy/secrets.js';
import { openReadModelDb } from '../../projections/db.js';
import { ProjectionRunner } from '../../projections/runner.js';
import { silentLogger, tempDir } from '../../testing/temp.js';
import { hubAuthenticator } from './hub-plugin.js';
import { graphqlApiPlugin } from './plugin.js';

/** Demo agencies the tests and the benchmark act as (demo/agencies.yaml). */
export const AGENCIES = {
  baDinh: '000.04.01.H26',
  ngocHa: '000.08.01.H26',
  hanoi: '000.00.00.H26',
  hoanKiem: '000.70.01.H26',
  quanBaDinh: '001.00.00.H26',
  portal: '000.10.00.G12',
  inspector: '000.00.00.G17',
} as const;

export interface TestHub {
  dir: string;
  app: FastifyInstance;
  raw: SqliteEventStore;
  store: EventStore;
  db: ReadModelDb;
  keys: SubjectKeyStore;
  sealing: RecordSealing;
  pseudonymize: Pseudonymizer;
  signingKey: HubSigningKey;
  runner: ProjectionRunner;
  /** The seeded citizens in plaintext (what the population source system holds). */
  citizens: Record<string, unknown>[];
  /** Moves the API's clock (consent windows); tokens keep real time. */
  setNow(now: Date): void;
  token(agency: string, role: Role, options?: { citizenPid?: string; official?: string }): Promise<string>;
  gql(token: string | null, query: string, variables?: Record<string, unknown>): Promise<GqlResponse>;
  /** Waits until every projection has applied everything in the store. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export interface GqlResponse {
  status: number;
  data: Record<string, unknown> | null;
  errors?: { message: string; extensions: { code: string; [k: string]: unknown } }[];
}

/**
 * A real hub for tests and the benchmark: SQLite event store and read models in a temp dir,
 * subject keys, the demo agencies (real keys), contracts and `citizens` synthetic citizens seeded
 * as sealed record events, projections run by the real runner, part A's jose authentication.
 */
export async function startTestHub(
  options: { citizens?: number; logger?: Logger; production?: boolean; dir?: string } = {},
): Promise<TestHub> {
  const temp = options.dir ? undefined : tempDir();
  const dir = options.dir ?? temp!.dir;
  const logger = options.logger ?? silentLogger();
  const raw = await openSqliteEventStore({ file: path.join(dir, 'events.db'), logger });
  const store = withValidation(raw, createEventValidator());
  const secrets = loadSecrets({ env: {}, dataDir: dir, production: false });
  const keys = new SubjectKeyStore(path.join(dir, 'keys.db'), secrets.masterKey);
  const pseudonymize = createPseudonymizer(secrets.pseudonymSecret);
  const sealing = { pseudonymize, versionKey: deriveVersionKey(secrets.pseudonymSecret), keys };
  const count = options.citizens ?? 20;
  await seedDemoData({
    store,
    logger,
    datasets: [agenciesDataset({ dataDir: dir }), contractsDataset(), populationDataset(sealing, { count })],
  });
  const db = openReadModelDb(path.join(dir, 'readmodels.db'));
  const runner = new ProjectionRunner({
    store: raw,
    db,
    logger,
    projections: [recordsProjection, agenciesProjection, contractsProjection, consentsProjection],
  });
  await runner.start();
  await runner.whenCaughtUp();
  const signingKey = await loadHubSigningKey({ env: {}, dataDir: dir, production: false });
  let now: Date | null = null;

  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger });
  await app.register(authPlugin, { authenticate: hubAuthenticator(db, pseudonymize) });
  await app.register(graphqlApiPlugin, {
    store,
    readModels: db,
    keys,
    pseudonymize,
    signingKey,
    production: options.production ?? false,
    clock: () => now ?? new Date(),
    sweepIntervalMs: 0,
  });
  await app.ready();

  const settle = async () => runner.waitForPosition((await raw.info()).lastPosition);
  return {
    dir,
    app,
    raw,
    store,
    db,
    keys,
    sealing,
    pseudonymize,
    signingKey,
    runner,
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
    settle,
    async close() {
      await app.close();
      await runner.stop();
      db.close();
      keys.close();
      await raw.close();
      temp?.remove();
    },
  };
}
