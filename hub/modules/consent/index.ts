import { type HubModule, readSchemaFile } from '../../kernel/module.js';
import { consentPlugin } from './plugin.js';
import { consentsProjection } from './projection.js';
import { consentResolvers } from './resolvers.js';

/** Citizens' consents to agencies: grant, withdraw, expiry, signed receipts, the check at release time. */
export const consentModule: HubModule = {
  name: 'consent',
  projections: [consentsProjection],
  plugin: consentPlugin,
  graphql: {
    typeDefs: readSchemaFile(new URL('./schema.graphql', import.meta.url)),
    resolvers: consentResolvers,
    argumentLimits: [
      {
        field: 'Mutation.grantConsent',
        argument: 'input.consumer',
        event: 'ConsentGranted',
        path: 'consumer',
      },
      {
        field: 'Mutation.grantConsent',
        argument: 'input.purposes',
        event: 'ConsentGranted',
        path: 'purposes',
        omit: ['uniqueItems'],
      },
      {
        field: 'Mutation.grantConsent',
        argument: 'input.scope',
        event: 'ConsentGranted',
        path: 'scope',
        omit: ['uniqueItems'],
      },
      { field: 'Mutation.grantConsent', argument: 'input.dossier', event: 'ConsentGranted', path: 'dossier' },
      { field: 'Mutation.withdrawConsent', argument: 'id', event: 'ConsentWithdrawn', path: 'consentId' },
      { field: 'Mutation.withdrawConsent', argument: 'reason', event: 'ConsentWithdrawn', path: 'reason' },
    ],
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
