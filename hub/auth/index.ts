export type { Principal, Role } from '../kernel/principal.js';
export { roles } from '../kernel/principal.js';
export {
  type AgencyLookup,
  ALGORITHMS,
  type AuthAgency,
  type Authenticator,
  type AuthenticatorOptions,
  createAuthenticator,
  DEFAULT_AUDIENCE,
  TOKEN_TYPE,
} from './authenticator.js';
export { agencyLookupFromDb } from './lookup.js';
export { AGENCY_AUTH, type AuthPluginOptions, authPlugin, requireRole } from './plugin.js';
