import { type ApiContext, requireRole } from '../../api/graphql/kit/context.js';
import { DossierInvalidInputError } from '../../kernel/errors/index.js';
import {
  dossierActorOf,
  dossierView,
  parseCitizenIdQr,
  uploadsOf,
  valuesOf,
  vietnamToday,
} from '../dossiers/index.js';
import type { LinkedDossiers } from './linked.js';
import type { PrefillCaller, PrefillService } from './service.js';
import type { ApplicantAttributes, PrefillResult } from './types.js';

declare module '../../api/graphql/kit/context.js' {
  interface ApiServices {
    /** Once-only prefill of dossiers' declarations, and their completion. */
    prefill: PrefillService;
    /** Linked procedures: a dossier fanned out into dossiers at other agencies. */
    linkedDossiers: LinkedDossiers;
  }
}

type ApplicantArg = { personalId: string } & Partial<
  Record<Exclude<keyof ApplicantAttributes, 'personalId'>, string | null>
>;

const LIMITS = { fullName: 200, phone: 20, email: 254, dateOfBirth: 10, gender: 5 } as const;

/**
 * Who asks: a desk (consumer) for the dossiers it took in or is competent for, or a portal for its
 * citizen's own; `processing` only the agency competent for the dossier.
 */
function callerOf(ctx: ApiContext, processing = false): PrefillCaller {
  const principal = processing
    ? requireRole(ctx, 'consumer')
    : requireRole(ctx, 'consumer', 'citizen-portal');
  const by = dossierActorOf(ctx, principal, processing ? 'processing' : 'intake');
  return { by, principal, requestId: ctx.requestId };
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

/**
 * The applicant as vouched for: the portal's `applicant`, or at the desk the ID card's QR and/or
 * `applicant`; none when nobody vouches (the service then looks in the declaration).
 */
function applicantOf(
  ctx: ApiContext,
  caller: PrefillCaller,
  args: { applicant?: ApplicantArg | null; applicantQr?: string | null },
): { applicant: ApplicantAttributes; field: string } | undefined {
  const given = args.applicant ? attributesOf(args.applicant) : undefined;
  if (caller.principal.role === 'citizen-portal' && args.applicantQr) {
    throw new DossierInvalidInputError('a portal vouches with applicant', 'applicantQr');
  }
  if (!args.applicantQr) return given && { applicant: given, field: 'applicant.personalId' };
  const card = parseCitizenIdQr(args.applicantQr, vietnamToday(ctx.services.clock()), 'applicantQr');
  if (given && given.personalId !== card.personalId) {
    throw new DossierInvalidInputError('is not the personal ID on the card', 'applicant.personalId');
  }
  const { personalId, fullName, dateOfBirth, gender } = card;
  return { applicant: { ...given, personalId, fullName, dateOfBirth, gender }, field: 'applicantQr' };
}

const KINDS = { dataset: 'DATASET', result: 'RESULT', applicant: 'APPLICANT', linked: 'LINKED' } as const;

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
      linkedFrom: f.source.kind === 'linked' ? f.source.dossier : null,
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
      return view(await ctx.services.prefill.prefill(caller, args.dossier, applicantOf(ctx, caller, args)));
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
      return dossierView(ctx, args.id);
    },

    async fanOutLinkedDossiers(
      _: unknown,
      args: { id: string; input: { links: { procedure: string; agency?: string | null }[] } },
      ctx: ApiContext,
    ) {
      const links = args.input.links.map((l) => ({ procedure: l.procedure, agency: l.agency ?? undefined }));
      await ctx.services.linkedDossiers.fanOut(callerOf(ctx, true), args.id, links);
      return dossierView(ctx, args.id);
    },
  },
};
