/**
 * Every error the hub raises on purpose, grouped by area (one file per area in hub/kernel/errors/),
 * each class made by `defineError` (base.ts). Each carries a stable `code` (`<AREA>_<WHAT>`), an HTTP
 * status for the API layer and typed details; none carries personal data in its message.
 */

export * from './access.js';
export * from './access-log.js';
export * from './admin-units.js';
export * from './agencies.js';
export * from './api.js';
export * from './api-codes.js';
export * from './audit.js';
export * from './auth.js';
export * from './base.js';
export * from './calendar.js';
export * from './cli.js';
export * from './codes.js';
export * from './config.js';
export * from './connectors.js';
export * from './consent.js';
export * from './contracts.js';
export * from './data-quality.js';
export * from './decider.js';
export * from './demo.js';
export * from './document-folder.js';
export * from './documents.js';
export * from './dossier-documents.js';
export * from './dossiers.js';
export * from './event-validation.js';
export * from './eventstore.js';
export * from './exchange.js';
export * from './exchange-hubs.js';
export * from './exchange-signature.js';
export * from './http.js';
export * from './identity.js';
export * from './lineage.js';
export * from './modules.js';
export * from './openlineage.js';
export * from './privacy.js';
export * from './procedures.js';
export * from './projections.js';
export * from './service-index.js';
