import { type ApiContext, citizenOf, requireRole } from '../../api/graphql/kit/context.js';
import { DossierInvalidInputError, DossierNotFoundError } from '../../kernel/errors/index.js';
import type { Principal } from '../../kernel/principal.js';
import { type AgencyAction, agencyGuard, applicantGuard } from './authorization.js';
import type { ObligationKind, ReturnChannel, SubmissionChannel } from './events.js';
import { parseCitizenIdQr, vietnamToday } from './identity-qr.js';
import { agencyInForceAt, amountOf, type ComponentArg, electronicOf, uploadsOf, valuesOf } from './inputs.js';
import { getDossier } from './queries.js';
import type { DossierActor } from './service.js';
import { judgeComponents } from './state.js';
import { fromEnum, toDossier } from './views.js';

type Id = { id: string };
type With<I> = Id & { input: I };

interface SubmitArgs {
  input: {
    procedure: string;
    procedureVersion?: string | null;
    agency?: string | null;
    channel?: string | null;
    applicantQr?: string | null;
    applicantPersonalId?: string | null;
    declaration: { values: unknown };
    components?: ComponentArg[] | null;
    parent?: string | null;
  };
}

interface PaymentArgs {
  obligationId: string;
  amountVnd: number;
  paymentReference: string;
}

/**
 * The caller as a dossier actor: a citizen portal on its citizen's own dossiers only; an agency's
 * official doing `action`, allowed on the dossiers it is competent for and, for the desk's part,
 * on those its desk took in (`authorization.ts`).
 */
export function dossierActorOf(ctx: ApiContext, p: Principal, action: AgencyAction): DossierActor {
  return {
    actor: { kind: 'agency', id: p.agency, official: p.official },
    correlationId: ctx.requestId,
    guard: p.role === 'citizen-portal' ? applicantGuard(citizenOf(p)) : agencyGuard(p.agency, action),
  };
}

/**
 * An official of an agency at its one-stop desk or in its departments (role consumer, the role an
 * agency holds to handle procedures), doing `action`.
 */
const official = (ctx: ApiContext, action: AgencyAction) =>
  dossierActorOf(ctx, requireRole(ctx, 'consumer'), action);

/** A citizen portal acting for its citizen, on that citizen's own dossiers only. */
function portal(ctx: ApiContext): DossierActor & { applicant: string } {
  const p = requireRole(ctx, 'citizen-portal');
  return { ...dossierActorOf(ctx, p, 'intake'), applicant: citizenOf(p) };
}

/** The dossier after a command, as the read model (which the services update at once) shows it. */
export function dossierView(ctx: ApiContext, dossierId: string) {
  const d = getDossier(ctx.services.readModels, dossierId, ctx.services.clock());
  if (!d) throw new DossierNotFoundError(dossierId);
  return toDossier(d);
}

/** An agency registered with the hub and in force today, or DOSSIER_INVALID naming `field`. */
const agencyNow = (ctx: ApiContext, organCode: string, field: string) =>
  agencyInForceAt(ctx.services.readModels, organCode, ctx.services.clock(), field);

/** Who applies, and through which channel: the portal's citizen online, or the citizen at a desk. */
function applicantOf(ctx: ApiContext, principal: Principal, input: SubmitArgs['input']) {
  const channel = input.channel ? fromEnum<SubmissionChannel>(input.channel) : undefined;
  if (principal.role === 'citizen-portal') {
    if (channel && channel !== 'online') {
      throw new DossierInvalidInputError('a portal submits online', 'input.channel');
    }
    for (const field of ['applicantQr', 'applicantPersonalId'] as const) {
      if (input[field]) {
        throw new DossierInvalidInputError(
          'a portal submits for the citizen its token names',
          `input.${field}`,
        );
      }
    }
    if (!input.agency) throw new DossierInvalidInputError('name the competent agency', 'input.agency');
    return { channel: 'online' as const, applicant: citizenOf(principal) };
  }
  if (channel === 'online')
    throw new DossierInvalidInputError('a desk records desk or postal submissions', 'input.channel');
  const { applicantQr: qr, applicantPersonalId: pid } = input;
  if (!qr === !pid) {
    throw new DossierInvalidInputError(
      'name the applicant by applicantQr or applicantPersonalId',
      'input.applicantQr',
    );
  }
  let personalId: string;
  if (qr) {
    personalId = parseCitizenIdQr(qr, vietnamToday(ctx.services.clock()), 'input.applicantQr').personalId;
  } else {
    if (!/^[0-9]{12}$/.test(pid!))
      throw new DossierInvalidInputError('must be 12 digits', 'input.applicantPersonalId');
    personalId = pid!;
  }
  return {
    channel: channel ?? ('desk' as const),
    applicant: ctx.services.pseudonymize('citizen', personalId),
  };
}

async function submitDossier(_: unknown, { input }: SubmitArgs, ctx: ApiContext) {
  const principal = requireRole(ctx, 'consumer', 'citizen-portal');
  const { channel, applicant } = applicantOf(ctx, principal, input);
  const agency = agencyNow(ctx, input.agency ?? principal.agency, 'input.agency');
  const state = await ctx.services.dossiers.submit(dossierActorOf(ctx, principal, 'intake'), {
    channel,
    procedure: { code: input.procedure, version: input.procedureVersion ?? undefined },
    agency,
    applicant,
    // nothing is prefilled before the dossier exists: every field given was typed, every document uploaded
    declaration: { values: valuesOf(input.declaration.values), prefilled: [] },
    components: judgeComponents({}, uploadsOf(input.components, 'input.components')),
    parent: input.parent ?? null,
  });
  return dossierView(ctx, state.dossierId);
}

/** Runs a service command for the dossier `id`, then shows the dossier. */
const then = async (ctx: ApiContext, id: string, command: Promise<unknown>) => {
  await command;
  return dossierView(ctx, id);
};

export const dossierMutations = {
  submitDossier,

  refuseAtIntake: (_: unknown, a: With<{ reason: string }>, ctx: ApiContext) =>
    then(ctx, a.id, ctx.services.dossiers.refuse(official(ctx, 'intake'), a.id, a.input.reason)),

  receiveDossier: (
    _: unknown,
    a: Id & { input?: { appointmentAt?: string | null } | null },
    ctx: ApiContext,
  ) =>
    then(
      ctx,
      a.id,
      ctx.services.dossiers.receive(official(ctx, 'intake'), a.id, a.input?.appointmentAt ?? undefined),
    ),

  assignDossier: (
    _: unknown,
    a: With<{ official?: string | null; department?: string | null }>,
    ctx: ApiContext,
  ) => then(ctx, a.id, ctx.services.dossiers.assign(official(ctx, 'processing'), a.id, a.input)),

  transferDossier: (_: unknown, a: With<{ to: string; reason: string }>, ctx: ApiContext) => {
    const by = official(ctx, 'processing');
    const to = agencyNow(ctx, a.input.to, 'input.to');
    return then(ctx, a.id, ctx.services.dossiers.transfer(by, a.id, to, a.input.reason));
  },

  completeStep: (_: unknown, a: With<{ step: string }>, ctx: ApiContext) =>
    then(ctx, a.id, ctx.services.dossiers.completeStep(official(ctx, 'processing'), a.id, a.input.step)),

  requestSupplement: (_: unknown, a: With<{ items: string[]; reason: string }>, ctx: ApiContext) =>
    then(
      ctx,
      a.id,
      ctx.services.dossiers.requestSupplement(
        official(ctx, 'processing'),
        a.id,
        a.input.items,
        a.input.reason,
      ),
    ),

  recordSupplement: (
    _: unknown,
    a: Id & { input?: { components?: ComponentArg[] | null } | null },
    ctx: ApiContext,
  ) => {
    const by = official(ctx, 'intake');
    const components = uploadsOf(a.input?.components, 'input.components');
    return then(ctx, a.id, ctx.services.dossiers.supplySupplement(by, a.id, components));
  },

  notifyFee: (_: unknown, a: With<{ kind: string; amountVnd: number }>, ctx: ApiContext) => {
    const by = official(ctx, 'processing');
    const obligation = {
      kind: fromEnum<ObligationKind>(a.input.kind),
      amountVnd: amountOf(a.input.amountVnd),
    };
    return then(ctx, a.id, ctx.services.dossiers.notifyObligation(by, a.id, obligation));
  },

  recordPayment: (_: unknown, a: With<PaymentArgs>, ctx: ApiContext) => {
    const by = official(ctx, 'intake');
    const payment = { ...a.input, method: 'desk' as const, amountVnd: amountOf(a.input.amountVnd) };
    return then(ctx, a.id, ctx.services.dossiers.pay(by, a.id, payment));
  },

  apologiseForDelay: (_: unknown, a: With<{ reason: string; appointmentAt: string }>, ctx: ApiContext) =>
    then(
      ctx,
      a.id,
      ctx.services.dossiers.apologize(
        official(ctx, 'processing'),
        a.id,
        a.input.reason,
        a.input.appointmentAt,
      ),
    ),

  approveDossier: (_: unknown, a: Id, ctx: ApiContext) =>
    then(ctx, a.id, ctx.services.dossiers.approve(official(ctx, 'processing'), a.id)),

  rejectDossier: (_: unknown, a: With<{ reason: string }>, ctx: ApiContext) =>
    then(ctx, a.id, ctx.services.dossiers.reject(official(ctx, 'processing'), a.id, a.input.reason)),

  stopProcessing: (_: unknown, a: With<{ reason: string }>, ctx: ApiContext) =>
    then(ctx, a.id, ctx.services.dossiers.stop(official(ctx, 'processing'), a.id, a.input.reason)),

  issueResult: (
    _: unknown,
    a: With<{ electronic?: { documentId: string; contentHash: string } | null; paper?: boolean | null }>,
    ctx: ApiContext,
  ) => {
    const by = official(ctx, 'processing');
    const result = { electronic: electronicOf(a.input.electronic), paper: a.input.paper ?? false };
    return then(ctx, a.id, ctx.services.dossiers.issueResult(by, a.id, result));
  },

  returnResult: (_: unknown, a: With<{ channel: string }>, ctx: ApiContext) =>
    then(
      ctx,
      a.id,
      ctx.services.dossiers.returnResult(
        official(ctx, 'intake'),
        a.id,
        fromEnum<ReturnChannel>(a.input.channel),
      ),
    ),

  identifyCitizenByQr(_: unknown, a: { qr: string }, ctx: ApiContext) {
    requireRole(ctx, 'consumer');
    return parseCitizenIdQr(a.qr, vietnamToday(ctx.services.clock()));
  },

  supplySupplement: (
    _: unknown,
    a: Id & { input?: { components?: ComponentArg[] | null } | null },
    ctx: ApiContext,
  ) => {
    const by = portal(ctx);
    const components = uploadsOf(a.input?.components, 'input.components');
    return then(ctx, a.id, ctx.services.dossiers.supplySupplement(by, a.id, components));
  },

  payFee: (_: unknown, a: With<PaymentArgs>, ctx: ApiContext) => {
    const by = portal(ctx);
    const payment = { ...a.input, method: 'online' as const, amountVnd: amountOf(a.input.amountVnd) };
    return then(ctx, a.id, ctx.services.dossiers.pay(by, a.id, payment));
  },

  withdrawDossier: (_: unknown, a: Id & { input?: { reason?: string | null } | null }, ctx: ApiContext) => {
    const by = portal(ctx);
    return then(ctx, a.id, ctx.services.dossiers.withdraw(by, a.id, by.applicant, a.input?.reason ?? null));
  },

  rateDossier: (_: unknown, a: With<{ score: number; outOf?: number | null }>, ctx: ApiContext) => {
    const by = portal(ctx);
    return then(
      ctx,
      a.id,
      ctx.services.dossiers.rate(by, a.id, by.applicant, a.input.score, a.input.outOf ?? 5),
    );
  },
};
