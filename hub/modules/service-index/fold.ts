import type { RecordedEvent } from '../../kernel/event-store.js';
import type { DossierEvent } from '../dossiers/index.js';
import type { DossierRecord, Outcome, ProcedureFacts } from './facts.js';

const ms = (iso: string) => Date.parse(iso);

function finish(r: DossierRecord, at: number, outcome: Outcome): DossierRecord {
  return {
    ...r,
    finishedAt: at,
    outcome,
    pauses: r.pauses.map(([from, to]) => [from, to ?? at] as [number, number]),
  };
}

/**
 * Folds one event of a dossier's stream into its record (`null` before submission). Pure: the
 * catalogue facts of the procedure come in with the submission.
 */
export function foldDossier(
  r: DossierRecord | null,
  event: RecordedEvent & DossierEvent,
  catalogue: (code: string, version: string) => ProcedureFacts,
): DossierRecord | null {
  const at = ms(event.metadata.occurredAt);
  if (event.type === 'DossierSubmitted') {
    const d = event.data;
    return {
      id: d.dossierId,
      revision: event.revision,
      agency: d.agency,
      procedure: { code: d.procedure.code, version: d.procedure.version },
      channel: d.channel,
      enteredAt: at,
      finishedAt: null,
      outcome: null,
      due: [],
      pauses: [],
      supplements: [],
      result: null,
      components: {},
      digitised: r?.digitised ?? [],
      obligations: {},
      fields: { prefilled: d.declaration.fields.prefilled, typed: d.declaration.fields.typed },
      rating: null,
      catalogue: catalogue(d.procedure.code, d.procedure.version),
    };
  }
  if (r === null) return null;
  const s = { ...r, revision: event.revision };
  switch (event.type) {
    case 'DossierRefused':
      return finish(s, at, 'refused');
    case 'DossierReceived':
      return { ...s, due: [...s.due, [at, ms(event.data.appointmentAt)]] };
    case 'DossierTransferred':
      return { ...s, agency: event.data.to };
    case 'DossierSupplementRequested':
      return { ...s, supplements: [...s.supplements, at], pauses: [...s.pauses, [at, null]] };
    case 'DossierSupplementSupplied':
      return {
        ...s,
        pauses: s.pauses.map(([from, to]) => [from, to ?? at] as [number, number]),
        due: [...s.due, [at, ms(event.data.dueAt)]],
      };
    case 'DossierFinancialObligationNotified':
      return { ...s, obligations: { ...s.obligations, [event.data.obligationId]: 'n' } };
    case 'DossierFinancialObligationPaid':
      return {
        ...s,
        obligations: {
          ...s.obligations,
          [event.data.obligationId]: event.data.method === 'online' ? 'o' : 'd',
        },
      };
    case 'DossierResultIssued':
      return finish(
        { ...s, result: { electronic: event.data.electronic !== null, paper: event.data.paper } },
        at,
        'result-issued',
      );
    case 'DossierRejected':
      return finish(s, at, 'rejected');
    case 'DossierProcessingStopped':
      return finish(s, at, 'stopped');
    case 'DossierWithdrawn':
      return finish(s, at, 'withdrawn');
    case 'DossierDeclarationCompleted': {
      const { prefilled, typed } = event.data.declaration.fields;
      return { ...s, fields: { prefilled, typed } };
    }
    case 'DossierRated':
      return { ...s, rating: { score: event.data.score, outOf: event.data.outOf } };
    case 'DossierComponentResolved': {
      const kind = event.data.resolution.kind;
      const code = kind === 'reused' ? 'r' : kind === 'uploaded' ? 'u' : 'a';
      return { ...s, components: { ...s.components, [event.data.component]: code } };
    }
    default:
      return s;
  }
}

/** A digitised paper of the dossier's component (`DocumentDigitised`): set semantics, so a replay adds nothing. */
export function withDigitised(r: DossierRecord, component: string): DossierRecord {
  if (r.digitised.includes(component)) return r;
  return { ...r, digitised: [...r.digitised, component].sort() };
}
