import type Database from 'better-sqlite3';
import { findAgencyByIssuer } from '../domain/agencies/queries.js';
import type { AgencyLookup } from './authenticator.js';

/** Looks issuers up in the `agencies` read model (kept current by the projection runner). */
export const agencyLookupFromDb =
  (db: Database.Database): AgencyLookup =>
  (issuer) =>
    findAgencyByIssuer(db, issuer);
