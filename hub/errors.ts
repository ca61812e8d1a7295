/**
 * Every error the hub raises on purpose, grouped by area (one file per area in hub/errors/). Each
 * carries a stable `code` (`<AREA>_<WHAT>`), an HTTP status for the API layer and structured details;
 * none carries personal data in its message.
 */

export * from './errors/access.js';
export * from './errors/base.js';
export * from './errors/connectors.js';
export * from './errors/eventstore.js';
export * from './errors/identity.js';
export * from './errors/privacy.js';
export * from './errors/projections.js';
export * from './errors/schemas.js';
export * from './errors/service.js';
