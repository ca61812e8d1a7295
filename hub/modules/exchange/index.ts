import { type HubModule, readSchemaFile } from '../../kernel/module.js';
import { registerExchangeCommands } from './cli.js';
import { exchangePlugin } from './plugin.js';
import { exchangeProjection } from './projection.js';
import { exchangeArgumentLimits, exchangeResolvers } from './resolvers.js';

/**
 * The electronic document exchange between hubs across the levels of government: edXML envelopes
 * signed with XML-DSig, routed along the levels in force on each document's date, delivered once
 * in effect through an outbox per next hub, with statuses flowing back; every hop an event on the
 * document's trail.
 */
export const exchangeModule: HubModule = {
  name: 'exchange',
  projections: [exchangeProjection],
  plugin: exchangePlugin,
  graphql: {
    typeDefs: readSchemaFile(new URL('./schema.graphql', import.meta.url)),
    resolvers: exchangeResolvers,
    argumentLimits: exchangeArgumentLimits,
  },
  cli: (program, { projections }) => registerExchangeCommands(program, projections),
};

export { HubDirectory, type HubEntry, readHubDirectory } from './directory.js';
export { attachmentDigest, buildDocumentEnvelope, buildStatusEnvelope, parseEdxml } from './edxml/index.js';
export { vietnamInstant } from './envelopes.js';
export * from './events.js';
export { demoX509Files, ensureDemoCa, issueOrganCertificate } from './pki/index.js';
export { exchangeProjection } from './projection.js';
export * from './queries.js';
export { hubChain, type OrganRegistry, type RouteDecision, routeTo } from './routing.js';
export type { ExchangeService, OutboundMessage, Receipt } from './service.js';
export { signEnvelope, verifyEnvelope } from './signature.js';
export { localTrail, type TrailEvent, trailAcrossHubs } from './trail.js';
export { HUB_SIGNATURE_HEADER, hubKeyOf, signHubRequest, trailRequest } from './transport.js';
