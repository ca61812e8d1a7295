import type { HubModule } from '../../kernel/module.js';
import { registerAgencyCommands } from './cli.js';
import { agenciesPlugin } from './plugin.js';
import { agenciesProjection } from './projection.js';

/**
 * The registry of agencies: organ codes, tiers, roles, signing keys, validity and successors; each
 * agency's public keys at `/agencies/<organCode>/jwks.json`.
 */
export const agenciesModule: HubModule = {
  name: 'agencies',
  projections: [agenciesProjection],
  plugin: agenciesPlugin,
  cli: (program, { projections }) => registerAgencyCommands(program, projections),
};

export * from './commands.js';
export * from './decider.js';
export * from './events.js';
export { type AgencyFileEntry, type ResolveOptions, readAgencyFile, resolveAgencyEntry } from './files.js';
export { demoKeyFile, ensureDemoKey, publicJwk } from './local-keys.js';
export { agenciesProjection } from './projection.js';
export {
  type Agency,
  agencyInForce,
  certificatesOf,
  findAgencyByIssuer,
  getAgency,
  isInForce,
  listAgencies,
  resolveSuccessor,
  vietnamDate,
} from './queries.js';
export { loadAgency, registerOrUpdateAgency, retireAgency } from './service.js';
