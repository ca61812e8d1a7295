import fs from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { DEFAULT_AUDIENCE } from '../hub/auth/authenticator.js';
import type { Config } from '../hub/kernel/config.js';
import {
  ConfigError,
  DemoAgencyUnknownError,
  DemoCitizenRequiredError,
  DemoKeyMissingError,
  DemoRoleNotHeldError,
} from '../hub/kernel/errors/index.js';
import { type Role, roles } from '../hub/kernel/vocabulary.js';
import { type AgencyFileEntry, demoKeyFile, readAgencyFile } from '../hub/modules/agencies/index.js';
import { mintDemoToken } from './keys.js';
import { DEMO_AGENCIES_FILE } from './seed/agencies.js';

export interface DemoTokensOptions {
  config: Pick<Config, 'dataDir' | 'profile'>;
  /** Default demo/agencies.yaml. */
  agenciesFile?: string;
  /** Lifetime of a token. Default 900 s. */
  ttlSec?: number;
  now?: () => Date;
}

/** What the GraphiQL page lists: agencies with demo keys that are in force, and their roles. */
export interface DemoAgency {
  organCode: string;
  name: string;
  englishName?: string;
  roles: Role[];
}

const demoAgencies = (entries: AgencyFileEntry[]): DemoAgency[] =>
  entries
    .filter((entry) => entry.keys === 'demo' && !entry.retired)
    .map(({ organCode, name, englishName, roles }) => ({
      organCode,
      name,
      ...(englishName ? { englishName } : {}),
      roles,
    }));

const MINT_BODY = {
  type: 'object',
  required: ['agency', 'role'],
  additionalProperties: false,
  properties: {
    agency: { type: 'string', minLength: 1, maxLength: 64 },
    role: { type: 'string', enum: [...roles] },
    citizenPid: { type: 'string', pattern: '^[0-9]{12}$' },
    official: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' },
  },
} as const;

/**
 * The GraphiQL page's demo-token helper, for development with demo data only (never in the
 * production profile; the server registers it only when demo seeding is on):
 * `GET /graphiql/demo-agencies` lists the demo agencies in force and their roles;
 * `POST /graphiql/demo-token` `{ agency, role, citizenPid?, official? }` answers `{ token, expiresAt }`,
 * a short-lived access token signed with the agency's local demo key, as the agency's own identity
 * provider would issue it (its `sub` the official named, `graphiql-demo` by default; the inspector
 * console's demo sign-in names `console-demo`).
 */
export const demoTokensPlugin = fp<DemoTokensOptions>(
  async (app: FastifyInstance, options) => {
    if (options.config.profile === 'production') {
      throw new ConfigError('LIENTHONG_SEED_DEMO', 'demo tokens are never issued in the production profile');
    }
    const entries = readAgencyFile(options.agenciesFile ?? DEMO_AGENCIES_FILE);
    const issuers = new Map(entries.map((entry) => [entry.organCode, entry.issuer]));
    const agencies = demoAgencies(entries);
    const byCode = new Map(agencies.map((agency) => [agency.organCode, agency]));
    const ttlSec = options.ttlSec ?? 900;
    const now = options.now ?? (() => new Date());
    const { dataDir } = options.config;

    app.get('/graphiql/demo-agencies', { logLevel: 'warn' }, async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      return { agencies };
    });

    app.post<{ Body: { agency: string; role: Role; citizenPid?: string; official?: string } }>(
      '/graphiql/demo-token',
      { schema: { body: MINT_BODY } },
      async (request, reply) => {
        const { agency, role, citizenPid, official } = request.body;
        const known = byCode.get(agency);
        if (!known) throw new DemoAgencyUnknownError(agency);
        if (!known.roles.includes(role)) throw new DemoRoleNotHeldError(agency, role);
        if (role === 'citizen-portal' && !citizenPid) throw new DemoCitizenRequiredError();
        try {
          await fs.access(demoKeyFile(dataDir, agency));
        } catch {
          throw new DemoKeyMissingError(agency);
        }
        const at = now();
        const token = await mintDemoToken({
          dataDir,
          agency,
          role,
          official: official ?? 'graphiql-demo',
          audience: DEFAULT_AUDIENCE,
          ttlSec,
          now: at,
          ...(role === 'citizen-portal' ? { citizenPid } : {}),
          issuer: issuers.get(agency),
        });
        const expiresAt = new Date((Math.floor(at.getTime() / 1000) + ttlSec) * 1000).toISOString();
        reply.header('cache-control', 'no-store');
        return { token, agency, role, expiresAt };
      },
    );
  },
  { name: 'demo-tokens', fastify: '5.x' },
);
