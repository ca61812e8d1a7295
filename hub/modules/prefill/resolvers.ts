import { type ApiContext, citizenOf, requireRole } from '../../api/graphql/kit/context.js';
import { DossierInvalidInputError, DossierNotFoundError } from '../../kernel/errors/index.js';
import {
  agencyGuard,
  applicantGuard,
  getDossier,
  parseCitizenIdQr,
  toDossier,
  uploadsOf,
  valuesOf,
  vietnamToday,
} from '../dossiers/index.js';
import type { PrefillCaller, PrefillService } from './service.js';
import type { ApplicantAttributes, PrefillResult } from './types.js';

declare module '../../api/graphql/kit/context.js' {
  interface ApiServices {
    /** Once-only prefill of dossiers' declarations, and their completion. */
    prefill: PrefillService;
  }
}

type ApplicantArg = { personalId: string } & Partial<
  Record<Exclude<keyof ApplicantAttributes, 'personalId'>, string | null>
>;

const LIMITS = { fullName: 200, phone: 20, email: 254, dateOfBirth: 10, gender: 5 } as const;

/** Who asks: a desk (consumer) for the dossiers it took in or is competent for, or a portal for its citizen's own. */
function callerOf(ctx: ApiContext): PrefillCaller {
  const principal = requireRole(ctx, 'consumer', 'citizen-portal');
  const guard =
    principal.role === 'citizen-portal'
      ? applicantGuard(citizenOf(principal))
      : agencyGuard(principal.agency, 'intake');
  const issuer = { kind: 'agency' as const, id: principal.agency, official: principal.official };
  return { by: { actor: issuer, correlationId: ctx.requestId, guard }, principal, requestId: ctx.requestId };
}

function attributesOf(arg: ApplicantArg): ApplicantAttributes {
  if (!/^[0-9]{12}$/.test(arg.personalId)) {
    throw new DossierInvalidInputError('must be 12 digits', 'applicant.personalId');
  }
  const out: ApplicantAttributes = { personalId: arg.personalId };
  for (const [key, max] of Object.entries(LIMITS) as [keyof typeof LIMITS, number][]) {
    const value = arg[key];
    if (value === undefined || value === null) continue;
    if (value.trim() === '' || [...value].length > max) {
      throw new DossierInvalidInputError(`must be 1 to ${max} characters`, `applicant.${key}`);
    }
    out[key] = value;
  }
  return out;
}

/** The applicant as vouched for: the portal's `applicant`, or at the desk the ID card's QR and/or `applicant`. */
function applicantOf(
  ctx: ApiContext,
  caller: PrefillCaller,
  args: { applicant?: ApplicantArg | null; applicantQr?: string | null },
): { attributes: ApplicantAttributes; field: string } {
  const given = args.applicant ? attributesOf(args.applicant) : undefined;
  if (caller.principal.role === 'citizen-portal') {
    if (args.applicantQr)
      throw new DossierInvalidInputError('a portal vouches with applicant', 'applicantQr');
    if (!given) throw new DossierInvalidInputError('the portal vouches for its citizen here', 'applicant');
    return { attributes: given, field: 'applicant.personalId' };
  }
  if (!args.applicantQr) {
    if (!given)
      throw new DossierInvalidInputError('name the applicant by applicantQr or applicant', 'applicantQr');
    return { attributes: given, field: 'applicant.personalId' };
  }
  const card = parseCitizenIdQr(args.applicantQr, vietnamToday(ctx.services.clock()), 'applicantQr');
  if (given && given.personalId !== card.personalId) {
    throw new DossierInvalidInputError('is not the personal ID on the card', 'applicant.personalId');
  }
  const { personalId, fullName, dateOfBirth, gender } = card;
  return { attributes: { ...given, personalId, fullName, dateOfBirth, gender }, field: 'applicantQr' };
}

const KINDS = { dataset: 'DATASET', result: 'RESULT', applicant: 'APPLICANT' } as const;

/** The prefill as the API shows it. */
function view(p: PrefillResult) {
  const all = p.typed.length + p.fields.filter((f) => f.filled).length;
  return {
    dossier: p.dossierId,
    procedure: p.procedure.code,
    procedureVersion: p.procedure.version,
    eForm: p.eForm,
    values: p.values,
    fields: p.fields.map((f) => ({
      path: f.path,
      filled: f.filled,
      value: f.value ?? null,
      source: KINDS[f.source.kind],
      dataset: f.source.kind === 'dataset' ? f.source.dataset : null,
      from: f.source.kind === 'applicant' ? f.source.attribute : f.source.field,
      recordEventId: f.recordEventId ?? null,
      accessId: f.accessId ?? null,
      reason: f.reason ?? null,
      message: f.message ?? null,
    })),
    typed: p.typed,
    typedShare: all === 0 ? 0 : p.typed.length / all,
    components: p.components.map((c) => ({
      code: c.code,
      name: c.name,
      required: c.required,
      satisfiedBy: c.satisfiedBy.toUpperCase(),
      sourceEventId: c.held?.eventId ?? null,
      documentId: c.held?.kind === 'document' ? c.held.documentId : null,
      accessId: c.accessId ?? null,
      reason: c.reason ?? null,
      message: c.message ?? null,
    })),
    accesses: p.accesses,
  };
}

export const prefillResolvers = {
  Query: {
    async prefill(
      _: unknown,
      args: { dossier: string; applicant?: ApplicantArg | null; applicantQr?: string | null },
      ctx: ApiContext,
    ) {
      const caller = callerOf(ctx);
      const { attributes, field } = applicantOf(ctx, caller, args);
      return view(await ctx.services.prefill.prefill(caller, args.dossier, attributes, field));
    },
  },
  Mutation: {
    async completeDeclaration(
      _: unknown,
      args: {
        id: string;
        input: { values: unknown; components?: { component: string; documentId: string }[] | null };
      },
      ctx: ApiContext,
    ) {
      const caller = callerOf(ctx);
      const values = valuesOf(args.input.values, 'input.values');
      const uploads = uploadsOf(args.input.components, 'input.components');
      await ctx.services.prefill.complete(caller, args.id, values, uploads);
      const d = getDossier(ctx.services.readModels, args.id, ctx.services.clock());
      if (!d) throw new DossierNotFoundError(args.id);
      return toDossier(d);
    },
  },
};
