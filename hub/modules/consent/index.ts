import { type HubModule, readSchemaFile } from '../../kernel/module.js';
import { consentsProjection } from './projection.js';
import { consentResolvers } from './resolvers.js';

/** Citizens' consents to agencies: grant, withdraw, expiry, signed receipts, the check at release time. */
export const consentModule: HubModule = {
  name: 'consent',
  projections: [consentsProjection],
  graphql: {
    typeDefs: readSchemaFile(new URL('./schema.graphql', import.meta.url)),
    resolvers: consentResolvers,
  },
};

export { type ConsentQuery, requireConsent } from './check.js';
export * from './commands.js';
export * from './decider.js';
export * from './events.js';
export { ConsentReadModel, type ConsentView, consentsProjection } from './projection.js';
export {
  type HubSigningKey,
  hubSigningKey,
  publicJwks,
  RECEIPT_TYPE,
  signConsentReceipt,
} from './receipt.js';
export * from './service.js';
