import { type ArgumentLimit, type HubModule, readSchemaFile } from '../../kernel/module.js';
import { prefillPlugin } from './plugin.js';
import { prefillResolvers } from './resolvers.js';

const DOSSIER_ID: ArgumentLimit[] = [
  { field: 'Query.prefill', argument: 'dossier', event: 'DossierPrefilled', path: 'dossierId' },
  {
    field: 'Mutation.completeDeclaration',
    argument: 'id',
    event: 'DossierDeclarationCompleted',
    path: 'dossierId',
  },
];

/**
 * Once-only prefill: a dossier's eForm filled from what the state holds (shared records under
 * contract and consent, the citizen's earlier results), and the declaration's completion, where
 * the hub counts what the citizen still typed and judges every component.
 */
export const prefillModule: HubModule = {
  name: 'prefill',
  projections: [],
  plugin: prefillPlugin,
  graphql: {
    typeDefs: readSchemaFile(new URL('./schema.graphql', import.meta.url)),
    resolvers: prefillResolvers,
    argumentLimits: DOSSIER_ID,
  },
};

export { type FanOutTarget, type LinkedChild, LinkedDossiers, linkedDeclaration } from './linked.js';
export { type PrefillCaller, type PrefillDeps, PrefillService } from './service.js';
export type * from './types.js';
