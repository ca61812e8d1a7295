import type { FactCatalogue, FactValue } from './expression.js';

/**
 * What the service index knows about one dossier, folded from its events (the dossier's stream,
 * the documents digitised for it, the catalogue entry of its procedure). Instants are epoch ms.
 * Everything that matters for a past moment is kept as history (deadlines, pauses, supplement
 * requests), so a period's figures are judged as things stood at its end.
 */
export interface DossierRecord {
  id: string;
  revision: number;
  agency: string;
  procedure: { code: string; version: string };
  channel: 'online' | 'desk' | 'postal';
  enteredAt: number;
  finishedAt: number | null;
  outcome: Outcome | null;
  /** The legal deadline as it moved: `[since, dueAt]`, oldest first (set at reception, moved on supply). */
  due: [number, number][];
  /** Stopped-clock spans `[from, to]`; `to` null while stopped. */
  pauses: [number, number | null][];
  /** When each supplement was asked for. */
  supplements: number[];
  result: { electronic: boolean; paper: boolean } | null;
  /** Latest resolution of each component: r reused, u uploaded, a asked again. */
  components: Record<string, 'r' | 'u' | 'a'>;
  /** Components whose paper was digitised for this dossier. */
  digitised: string[];
  /** Each financial obligation: n notified, o paid online, d paid at the desk. */
  obligations: Record<string, 'n' | 'o' | 'd'>;
  fields: { prefilled: number; typed: number };
  rating: { score: number; outOf: number } | null;
  /** From the procedure catalogue when the dossier was submitted (defaults when the procedure was unknown). */
  catalogue: ProcedureFacts;
}

export type Outcome = 'result-issued' | 'rejected' | 'refused' | 'stopped' | 'withdrawn';

export interface ProcedureFacts {
  paperResultRequired: boolean;
  fee: boolean;
  serviceLevel: 'full-online' | 'partly-online' | 'information-only' | 'unknown';
}

export const UNKNOWN_PROCEDURE: ProcedureFacts = {
  paperResultRequired: false,
  fee: false,
  serviceLevel: 'unknown',
};

/** The facts method files may name (`where` expressions), with the read-model column of each. */
export const FACTS: FactCatalogue = {
  channel: {
    type: 'enum',
    values: ['online', 'desk', 'postal'],
    column: 'channel',
    description: 'how it was submitted',
  },
  outcome: {
    type: 'enum',
    values: ['none', 'result-issued', 'rejected', 'refused', 'stopped', 'withdrawn'],
    column: 'outcome',
    description: 'how processing ended (none while it runs)',
  },
  serviceLevel: {
    type: 'enum',
    values: ['full-online', 'partly-online', 'information-only', 'unknown'],
    column: 'service_level',
    description: "the procedure's online service level (Decree 42/2022)",
  },
  paperResultRequired: {
    type: 'bool',
    column: 'paper_result_required',
    description: 'the procedure requires a paper result',
  },
  catalogueFee: {
    type: 'bool',
    column: 'catalogue_fee',
    description: 'the catalogue lists a fee or charge for the procedure',
  },
  resultIssued: { type: 'bool', column: 'result_issued', description: 'a result was issued' },
  electronicResult: {
    type: 'bool',
    column: 'electronic_result',
    description: 'an electronic (signed) result was issued',
  },
  paperResult: { type: 'bool', column: 'paper_result', description: 'a paper result was issued' },
  inputsDigitised: {
    type: 'bool',
    column: 'inputs_digitised',
    description:
      'at least one component, and every component held electronically (reused, digitised, or uploaded online)',
  },
  componentsResolved: { type: 'int', column: 'components_resolved', description: 'components resolved' },
  componentsReused: {
    type: 'int',
    column: 'components_reused',
    description: 'components reused from what the state holds',
  },
  componentsUploaded: {
    type: 'int',
    column: 'components_uploaded',
    description: 'components uploaded by the citizen',
  },
  componentsAskedAgain: {
    type: 'int',
    column: 'components_asked_again',
    description: 'components the citizen was asked for although the state held them',
  },
  componentsDigitised: {
    type: 'int',
    column: 'components_digitised',
    description: 'components whose paper was digitised',
  },
  supplementRequests: {
    type: 'int',
    column: 'supplement_requests',
    description: 'supplement requests (all time)',
  },
  obligations: { type: 'int', column: 'obligations', description: 'financial obligations notified' },
  paidOnline: { type: 'int', column: 'paid_online', description: 'obligations paid online' },
  paidAtDesk: { type: 'int', column: 'paid_at_desk', description: 'obligations paid at the desk' },
  fieldsPrefilled: { type: 'int', column: 'fields_prefilled', description: 'declaration fields prefilled' },
  fieldsTyped: {
    type: 'int',
    column: 'fields_typed',
    description: 'declaration fields typed by the citizen',
  },
  fieldsTotal: {
    type: 'int',
    column: 'fields_total',
    description: 'declaration fields, prefilled and typed',
  },
  rated: { type: 'bool', column: 'rated', description: 'the citizen rated the service' },
  rating: {
    type: 'number',
    column: 'rating',
    description: 'the rating as a share of its scale (score / outOf), 0 when not rated',
  },
  overdue: {
    type: 'bool',
    description:
      'judged for the period: finished (with a result or a rejection) after the deadline, in process past it at the end of the period (or now), or a second supplement requested before its end',
  },
};

/** Facts that do not depend on the period, as the `where` predicates and the read-model columns see them. */
export function staticFacts(r: DossierRecord): Record<string, FactValue> {
  const kinds = Object.values(r.components);
  const reused = kinds.filter((k) => k === 'r').length;
  const uploaded = kinds.filter((k) => k === 'u').length;
  const askedAgain = kinds.filter((k) => k === 'a').length;
  const digitised = new Set(r.digitised);
  const electronically = Object.entries(r.components).every(
    ([code, kind]) => kind === 'r' || digitised.has(code) || r.channel === 'online',
  );
  const paid = Object.values(r.obligations);
  return {
    channel: r.channel,
    outcome: r.outcome ?? 'none',
    serviceLevel: r.catalogue.serviceLevel,
    paperResultRequired: r.catalogue.paperResultRequired,
    catalogueFee: r.catalogue.fee,
    resultIssued: r.result !== null,
    electronicResult: r.result?.electronic ?? false,
    paperResult: r.result?.paper ?? false,
    inputsDigitised: kinds.length > 0 && electronically,
    componentsResolved: kinds.length,
    componentsReused: reused,
    componentsUploaded: uploaded,
    componentsAskedAgain: askedAgain,
    componentsDigitised: digitised.size,
    supplementRequests: r.supplements.length,
    obligations: paid.length,
    paidOnline: paid.filter((p) => p === 'o').length,
    paidAtDesk: paid.filter((p) => p === 'd').length,
    fieldsPrefilled: r.fields.prefilled,
    fieldsTyped: r.fields.typed,
    fieldsTotal: r.fields.prefilled + r.fields.typed,
    rated: r.rating !== null,
    rating: r.rating ? r.rating.score / r.rating.outOf : 0,
  };
}

/** The deadline in force at `at` (the latest set at or before it), or null before reception. */
export function dueAt(r: DossierRecord, at: number): number | null {
  let due: number | null = null;
  for (const [since, value] of r.due) if (since <= at) due = value;
  return due;
}

/** The start of the pause the clock was stopped in at `at`, if any. */
function pausedSince(r: DossierRecord, at: number): number | null {
  for (const [from, to] of r.pauses) if (from <= at && (to === null || to > at)) return from;
  return null;
}

const JUDGED_ON_TIME: ReadonlySet<Outcome> = new Set(['result-issued', 'rejected']);

/**
 * Whether the dossier counts as overdue for a period ending at `end`, judged at `judgedAt`
 * (the end, or the horizon while the period runs): a second supplement request before the end; finished
 * by the end with a result or rejection after the deadline (refused, stopped and withdrawn dossiers
 * are finished, not late); otherwise in process with the deadline passed at the judging instant (a
 * stopped clock counts up to the moment it stopped).
 */
export function overdueAt(r: DossierRecord, end: number, judgedAt: number): boolean {
  const second = r.supplements[1];
  if (second !== undefined && second < end) return true;
  if (r.finishedAt !== null && r.finishedAt < end) {
    if (!JUDGED_ON_TIME.has(r.outcome!)) return false;
    const due = dueAt(r, r.finishedAt);
    return due !== null && r.finishedAt > due;
  }
  const due = dueAt(r, judgedAt);
  if (due === null) return false;
  return (pausedSince(r, judgedAt) ?? judgedAt) > due;
}

/**
 * When an open dossier would turn overdue as time passes with nothing else happening: its
 * deadline, unless its clock is stopped or it has no deadline yet (null then).
 */
export function flipAt(r: DossierRecord): number | null {
  if (r.finishedAt !== null || r.due.length === 0) return null;
  const last = r.pauses[r.pauses.length - 1];
  if (last && last[1] === null) return null;
  return r.due[r.due.length - 1]![1];
}
