import { type ArgumentLimit, type HubModule, readSchemaFile } from '../../kernel/module.js';
import { dossiersPlugin } from './plugin.js';
import { dossiersProjection } from './projection.js';
import { dossierResolvers } from './resolvers.js';

/** `Mutation.<field>`'s `argument` is bounded by `<event>.<path>`. */
const limit = (field: string, argument: string, event: string, path: string): ArgumentLimit => ({
  field: `Mutation.${field}`,
  argument,
  event,
  path,
});

/** The dossier number of every mutation on a dossier, bounded by the event it leads to. */
const ID_ARGUMENTS: [string, string][] = [
  ['refuseAtIntake', 'DossierRefused'],
  ['receiveDossier', 'DossierReceived'],
  ['assignDossier', 'DossierAssigned'],
  ['transferDossier', 'DossierTransferred'],
  ['completeStep', 'DossierStepCompleted'],
  ['requestSupplement', 'DossierSupplementRequested'],
  ['recordSupplement', 'DossierSupplementSupplied'],
  ['supplySupplement', 'DossierSupplementSupplied'],
  ['notifyFee', 'DossierFinancialObligationNotified'],
  ['recordPayment', 'DossierFinancialObligationPaid'],
  ['payFee', 'DossierFinancialObligationPaid'],
  ['apologiseForDelay', 'DossierApologyIssued'],
  ['approveDossier', 'DossierApproved'],
  ['rejectDossier', 'DossierRejected'],
  ['stopProcessing', 'DossierProcessingStopped'],
  ['issueResult', 'DossierResultIssued'],
  ['returnResult', 'DossierResultReturned'],
  ['withdrawDossier', 'DossierWithdrawn'],
  ['rateDossier', 'DossierRated'],
];

/** Dossiers of administrative procedures: their lifecycle, deadlines, portal statuses and once-only counts. */
export const dossiersModule: HubModule = {
  name: 'dossiers',
  projections: [dossiersProjection],
  plugin: dossiersPlugin,
  graphql: {
    typeDefs: readSchemaFile(new URL('./schema.graphql', import.meta.url)),
    resolvers: dossierResolvers,
    argumentLimits: [
      ...ID_ARGUMENTS.map(([field, event]) => limit(field, 'id', event, 'dossierId')),
      limit('submitDossier', 'input.procedure', 'DossierSubmitted', 'procedure.code'),
      limit('submitDossier', 'input.procedureVersion', 'DossierSubmitted', 'procedure.version'),
      limit('submitDossier', 'input.agency', 'DossierSubmitted', 'agency'),
      limit('submitDossier', 'input.parent', 'DossierSubmitted', 'parent'),
      limit('refuseAtIntake', 'input.reason', 'DossierRefused', 'reason'),
      limit('assignDossier', 'input.official', 'DossierAssigned', 'assignee.official'),
      limit('assignDossier', 'input.department', 'DossierAssigned', 'assignee.department'),
      limit('transferDossier', 'input.to', 'DossierTransferred', 'to'),
      limit('transferDossier', 'input.reason', 'DossierTransferred', 'reason'),
      limit('completeStep', 'input.step', 'DossierStepCompleted', 'step'),
      limit('requestSupplement', 'input.items', 'DossierSupplementRequested', 'items'),
      limit('requestSupplement', 'input.reason', 'DossierSupplementRequested', 'reason'),
      limit('notifyFee', 'input.amountVnd', 'DossierFinancialObligationNotified', 'amountVnd'),
      ...['recordPayment', 'payFee'].flatMap((field) => [
        limit(field, 'input.obligationId', 'DossierFinancialObligationPaid', 'obligationId'),
        limit(field, 'input.amountVnd', 'DossierFinancialObligationPaid', 'amountVnd'),
        limit(field, 'input.paymentReference', 'DossierFinancialObligationPaid', 'paymentReference'),
      ]),
      limit('apologiseForDelay', 'input.reason', 'DossierApologyIssued', 'reason'),
      limit('rejectDossier', 'input.reason', 'DossierRejected', 'reason'),
      limit('stopProcessing', 'input.reason', 'DossierProcessingStopped', 'reason'),
      limit('withdrawDossier', 'input.reason', 'DossierWithdrawn', 'reason'),
      limit('rateDossier', 'input.score', 'DossierRated', 'score'),
      limit('rateDossier', 'input.outOf', 'DossierRated', 'outOf'),
    ],
  },
};

export { type AgencyAction, agencyGuard, agencyMayAct, applicantGuard } from './authorization.js';
export { calendarDeadlines } from './calendar-deadlines.js';
export * from './commands.js';
export * from './deadlines.js';
export { allowedFrom, assertAllowed, DOSSIER_NAMESPACE, dossierDecider } from './decider.js';
export { countFields, leafPaths, sameJson, valueAt } from './declaration.js';
export * from './events.js';
export { ChangeStream, type DossierChange, DossierFeed } from './feed.js';
export { type CitizenIdCard, parseCitizenIdQr, QR_FIELDS, vietnamToday } from './identity-qr.js';
export { decideImported, type ImportedStatusChange } from './import.js';
export { agencyInForceAt, type ComponentArg, uploadsOf, valuesOf } from './inputs.js';
export { dossierActorOf, dossierView } from './mutations.js';
export type * from './ports.js';
export { DossierReadModel, dossiersProjection } from './projection.js';
export * from './queries.js';
export * from './service.js';
export * from './state.js';
export { toDossier } from './views.js';
