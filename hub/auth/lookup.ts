import type { ReadModelDb } from '../kernel/read-model.js';
import { findAgencyByIssuer } from '../modules/agencies/index.js';
import type { AgencyLookup } from './authenticator.js';

/** Looks issuers up in the `agencies` read model (kept current by the projection runner). */
export const agencyLookupFromDb =
  (db: ReadModelDb): AgencyLookup =>
  (issuer) =>
    findAgencyByIssuer(db, issuer);
