import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { type JWK, SignJWT } from 'jose';
import { DEFAULT_AUDIENCE } from '../auth/index.js';
import { openEventStore } from '../eventstore/index.js';
import { batchMeta } from '../kernel/decider/index.js';
import type { AgencyLevel } from '../modules/agencies/index.js';
import { registerOrUpdateAgency, retireAgency } from '../modules/agencies/index.js';
import { ensureDemoCa, issueOrganCertificate } from '../modules/exchange/index.js';
import { type AgencyKey, agencyKey } from './agency-keys.js';
import type { TestHosts } from './netns.js';
import { freePorts, spawnServer } from './server.js';
import { silentLogger, tempDir } from './temp.js';

/** An organ of the test's registry, and the hub that holds its signing credentials. */
export interface TestOrgan {
  organCode: string;
  name: string;
  level: AgencyLevel;
  parent?: string;
  validFrom: string;
  /** Retired on this day, with `successor`. */
  retired?: { validUntil: string; successor: string };
  hub: string;
}

export interface TestHub {
  hubId: string;
  root?: boolean;
  organs: string[];
}

/** A hub process of the test, restartable on its data directory and port. */
export interface RunningHub {
  hubId: string;
  base: string;
  dataDir: string;
  child: ChildProcess;
  /** Everything the process wrote so far. */
  output: () => string;
}

/** Hubs of several levels on loopback, sharing a demo certificate authority and one agency registry. */
export interface HubNetwork {
  hubs: Map<string, RunningHub>;
  organs: readonly TestOrgan[];
  caDir: string;
  /** A bearer token of an organ (role provider unless given). */
  token(organCode: string, role?: string): Promise<string>;
  /** GraphQL at a hub, as an organ; throws on errors unless `allowErrors`. */
  graphql<T = Record<string, unknown>>(
    hubId: string,
    organCode: string,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{
    data?: T;
    errors?: { message: string; extensions?: { code?: string } & Record<string, unknown> }[];
  }>;
  start(hubId: string): Promise<RunningHub>;
  kill(hubId: string): Promise<void>;
  /** Stops every hub (SIGKILL; `graceful`: SIGTERM, letting them finish and write what they write at exit). */
  stop(options?: { graceful?: boolean }): Promise<void>;
}

const DAY = 86_400_000;

async function waitForListening(child: ChildProcess, output: () => string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (output().includes('"msg":"hub listening"')) {
        child.stdout!.off('data', check);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('close', (code) =>
      reject(new Error(`hub exited (${code}) before listening: ${output().slice(-3000)}`)),
    );
    check();
  });
}

/**
 * Starts one hub process per `hubs` entry on loopback, each with its own data directory holding the
 * same agency registry (organs with their certificates, issued by one demo CA for the test) and the
 * credentials of the organs it serves, and one hub directory naming them all.
 */
export async function startHubNetwork(
  organs: readonly TestOrgan[],
  hubs: readonly TestHub[],
  options: {
    env?: Record<string, string>;
    nodeArgs?: string[];
    /** Run each hub on its own host (network namespace, `netns.ts`) instead of loopback. */
    hosts?: TestHosts;
  } = {},
): Promise<HubNetwork> {
  const root = tempDir('lt-exchange-');
  const caDir = path.join(root.dir, 'ca');
  const ca = await ensureDemoCa(caDir);
  const now = Date.now();
  const credentials = new Map<string, { privateKeyPem: string; certificatePem: string }>();
  const tokenKeys = new Map<string, AgencyKey>();
  for (const organ of organs) {
    credentials.set(
      organ.organCode,
      await issueOrganCertificate(ca, {
        organCode: organ.organCode,
        name: organ.name,
        notBefore: new Date(now - DAY),
        notAfter: new Date(now + 365 * DAY),
        algorithm: 'ECDSA-P256',
      }),
    );
    tokenKeys.set(organ.organCode, await agencyKey('ES256', `${organ.organCode}#test`));
  }
  const ports = options.hosts ? hubs.map(() => 3000) : await freePorts(hubs.length);
  const hostOf = (i: number) => options.hosts?.addresses[i] ?? '127.0.0.1';
  const urls = new Map(hubs.map((h, i) => [h.hubId, `http://${hostOf(i)}:${ports[i]}`]));
  const hubsFile = path.join(root.dir, 'hubs.json');
  fs.writeFileSync(
    hubsFile,
    JSON.stringify({
      hubs: hubs.map((h) => ({
        hubId: h.hubId,
        name: h.hubId,
        url: urls.get(h.hubId),
        ...(h.root ? { root: true } : {}),
        organs: h.organs,
        keys: { jwksUrl: `${urls.get(h.hubId)}/.well-known/jwks.json` },
      })),
    }),
  );

  const dataDirs = new Map<string, string>();
  for (const hub of hubs) {
    const dataDir = path.join(root.dir, hub.hubId);
    fs.mkdirSync(path.join(dataDir, 'exchange', 'credentials'), { recursive: true });
    dataDirs.set(hub.hubId, dataDir);
    const store = await openEventStore(
      { backend: 'sqlite', file: path.join(dataDir, 'events.db') },
      { logger: silentLogger() },
    );
    try {
      const meta = batchMeta({ actor: { kind: 'operator', id: 'test' } });
      for (const organ of organs) {
        await registerOrUpdateAgency(
          store,
          {
            organCode: organ.organCode,
            name: organ.name,
            level: organ.level,
            ...(organ.parent ? { parentOrganCode: organ.parent } : {}),
            roles: ['consumer', 'provider'],
            keys: { jwks: { keys: [tokenKeys.get(organ.organCode)!.jwk as JWK & { kid: string }] } },
            certificates: [credentials.get(organ.organCode)!.certificatePem],
            validFrom: organ.validFrom,
          },
          meta(),
        );
      }
      for (const organ of organs) {
        if (!organ.retired) continue;
        await retireAgency(
          store,
          {
            organCode: organ.organCode,
            validUntil: organ.retired.validUntil,
            successorOrganCode: organ.retired.successor,
          },
          meta(),
        );
      }
    } finally {
      await store.close();
    }
    for (const organ of organs.filter((o) => o.hub === hub.hubId)) {
      const c = credentials.get(organ.organCode)!;
      fs.writeFileSync(
        path.join(dataDir, 'exchange', 'credentials', `${organ.organCode}.key.pem`),
        c.privateKeyPem,
        {
          mode: 0o600,
        },
      );
      fs.writeFileSync(
        path.join(dataDir, 'exchange', 'credentials', `${organ.organCode}.pem`),
        c.certificatePem,
      );
    }
  }

  const running = new Map<string, RunningHub>();
  const start = async (hubId: string): Promise<RunningHub> => {
    const dataDir = dataDirs.get(hubId)!;
    const url = new URL(urls.get(hubId)!);
    const index = hubs.findIndex((h) => h.hubId === hubId);
    const child = spawnServer(
      {
        NODE_ENV: 'test',
        HOST: url.hostname,
        LOG_LEVEL: 'info',
        PORT: url.port,
        LIENTHONG_METRICS_PORT: '0',
        LIENTHONG_DATA_DIR: dataDir,
        LIENTHONG_SEED_DEMO: 'false',
        LIENTHONG_HUB_ID: hubId,
        LIENTHONG_EXCHANGE_HUBS_FILE: hubsFile,
        LIENTHONG_EXCHANGE_CA_DIR: caDir,
        ...options.env,
      },
      ['ignore', 'pipe', 'pipe'],
      options.nodeArgs,
      options.hosts?.launcher(index),
    );
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    const hub: RunningHub = { hubId, base: urls.get(hubId)!, dataDir, child, output: () => out };
    running.set(hubId, hub);
    await waitForListening(child, () => out);
    return hub;
  };
  const kill = async (hubId: string, signal: NodeJS.Signals = 'SIGKILL') => {
    const hub = running.get(hubId);
    if (!hub || hub.child.exitCode !== null || hub.child.signalCode !== null) return;
    const closed = new Promise((resolve) => hub.child.once('close', resolve));
    hub.child.kill(signal);
    await closed;
  };
  await Promise.all(hubs.map((h) => start(h.hubId)));

  const token = async (organCode: string, role = 'provider') => {
    const key = tokenKeys.get(organCode)!;
    const iat = Math.floor(Date.now() / 1000);
    return new SignJWT({ role })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: key.jwk.kid! })
      .setIssuer(`urn:lienthong:agency:${organCode}`)
      .setAudience(DEFAULT_AUDIENCE)
      .setSubject('clerk-1')
      .setJti(crypto.randomUUID())
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(iat + 900)
      .sign(key.privateKey);
  };
  const sessions = new Map<string, { token: string; until: number }>();
  return {
    hubs: running,
    organs,
    caDir,
    token,
    async graphql(hubId, organCode, query, variables = {}) {
      // one token per organ for a few minutes, as an organ's system keeps its session's token
      let held = sessions.get(organCode);
      if (!held || held.until < Date.now()) {
        held = { token: await token(organCode), until: Date.now() + 5 * 60_000 };
        sessions.set(organCode, held);
      }
      const response = await fetch(`${urls.get(hubId)}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${held.token}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as never;
    },
    start,
    kill: (hubId) => kill(hubId),
    async stop(stopOptions = {}) {
      await Promise.all(
        [...running.keys()].map((hubId) => kill(hubId, stopOptions.graceful ? 'SIGTERM' : 'SIGKILL')),
      );
      root.remove();
    },
  };
}

/**
 * The organs of the exchange tests: a ministry (central), Hanoi's People's Committee (province),
 * Quận Ba Đình of the old map (district, abolished 1 July 2025, succeeded by the ward), Phường Phúc
 * Xá of the old map (merged into the ward the same day) and Phường Ba Đình (commune, since then).
 */
export const EXCHANGE_ORGANS = {
  MINISTRY: '000.00.00.G09',
  HANOI: '000.00.00.H26',
  DISTRICT: '000.00.01.H26',
  OLD_COMMUNE: '000.01.01.H26',
  WARD: '000.04.01.H26',
} as const;

/** The test organs, each with the hub that holds its credentials (`hub.central`, `hub.h26`, `hub.district`, `hub.ward`). */
export const exchangeTestOrgans = (): TestOrgan[] => [
  {
    organCode: EXCHANGE_ORGANS.MINISTRY,
    name: 'Bộ Tư pháp',
    level: 'central',
    validFrom: '2008-01-01',
    hub: 'hub.central',
  },
  {
    organCode: EXCHANGE_ORGANS.HANOI,
    name: 'UBND thành phố Hà Nội',
    level: 'province',
    validFrom: '2008-01-01',
    hub: 'hub.h26',
  },
  {
    organCode: EXCHANGE_ORGANS.WARD,
    name: 'UBND phường Ba Đình',
    level: 'commune',
    parent: EXCHANGE_ORGANS.HANOI,
    validFrom: '2025-07-01',
    hub: 'hub.ward',
  },
  {
    organCode: EXCHANGE_ORGANS.DISTRICT,
    name: 'UBND quận Ba Đình',
    level: 'district',
    parent: EXCHANGE_ORGANS.HANOI,
    validFrom: '2008-01-01',
    retired: { validUntil: '2025-07-01', successor: EXCHANGE_ORGANS.WARD },
    hub: 'hub.district',
  },
  {
    organCode: EXCHANGE_ORGANS.OLD_COMMUNE,
    name: 'UBND phường Phúc Xá',
    level: 'commune',
    parent: EXCHANGE_ORGANS.DISTRICT,
    validFrom: '2008-01-01',
    retired: { validUntil: '2025-07-01', successor: EXCHANGE_ORGANS.WARD },
    hub: 'hub.ward',
  },
];
