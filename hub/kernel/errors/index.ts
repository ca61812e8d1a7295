/**
 * Every error the hub raises on purpose, grouped by area (one file per area in hub/kernel/errors/). Each
 * carries a stable `code` (`<AREA>_<WHAT>`), an HTTP status for the API layer and structured details;
 * none carries personal data in its message.
 */

export * from './access.js';
export * from './base.js';
export * from './connectors.js';
export * from './eventstore.js';
export * from './identity.js';
export * from './modules.js';
export * from './privacy.js';
export * from './projections.js';
export * from './schemas.js';
export * from './service.js';
