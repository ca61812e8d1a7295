import type { CommandMeta } from '../../kernel/decider/index.js';
import { DossierInvalidInputError } from '../../kernel/errors/index.js';
import type { DossierCommand } from './commands.js';
import { dossierDecider } from './decider.js';
import type {
  DossierEvent,
  DossierSubmittedData,
  ProcedureRef,
  ReturnChannel,
  SubmissionChannel,
} from './events.js';
import type { Dossier, DossierStatus } from './state.js';

/**
 * One row of another system's dossier history (a one-stop system's status log): the status the
 * dossier reached, when, and what that system knows of it. Statuses are the hub's (the connector's
 * mapping turns the source's codes into them); the submission's fields are needed only when the
 * dossier is new to the hub. Personal data arrive already pseudonymised and sealed.
 */
export interface ImportedStatusChange {
  dossierId: string;
  status: DossierStatus;
  /** When the change happened (canonical ISO-8601 instant): the events' `occurredAt`. */
  at: string;
  channel?: SubmissionChannel;
  procedure?: ProcedureRef;
  agency?: string;
  /** Keyed pseudonym of the applicant. */
  applicant?: string;
  declaration?: DossierSubmittedData['declaration'];
  /** The official the source names for the change. */
  official?: string;
  /** The source's note on the change (a reason, the papers asked for). */
  note?: string;
  /** The appointment (ngày hẹn trả) the source holds after the change. */
  dueAt?: string;
  /** The financial obligation notified, in VND. */
  amountVnd?: number;
  paymentMethod?: 'online' | 'desk';
  returnChannel?: ReturnChannel;
  /** A key of the source row, unique in the source: obligation ids and payment references derive from it. */
  rowKey: string;
}

const NOTE = 'recorded by the one-stop system';

/** Working days (Monday–Friday) after `from`'s day up to and including `to`'s day: the paused time of a supplement. */
function weekdaysBetween(from: string, to: string): number {
  const day = 86_400_000;
  let n = 0;
  for (let t = Math.floor(Date.parse(from) / day + 1) * day; t <= Date.parse(to); t += day) {
    const wd = new Date(t).getUTCDay();
    if (wd !== 0 && wd !== 6) n++;
  }
  return n;
}

const laterOf = (a: string, b: string | undefined) => (b && Date.parse(b) > Date.parse(a) ? b : a);

/**
 * The command that takes a dossier in `s` one step towards `change.status`, or undefined once it is
 * there. Most statuses have one command; a dossier awaiting payment pays first, and a result issued
 * or returned from a status before approval is approved (and issued) on the way. A status no command
 * leads to from `s` yields the command the status names, which the decider refuses
 * (DOSSIER_INVALID_TRANSITION): `returned` while `submitted` is `ReturnResult` from `submitted`.
 */
function nextCommand(
  s: Dossier,
  change: ImportedStatusChange,
  meta: () => CommandMeta,
): DossierCommand | undefined {
  const dossierId = change.dossierId;
  const official = change.official ?? 'one-stop';
  const reason = change.note ?? NOTE;
  const c = <C extends DossierCommand>(type: C['type'], data: Omit<C['data'], 'dossierId'>) =>
    ({ type, data: { dossierId, ...data }, meta: meta() }) as C;
  if (s.status === 'none' || change.status === 'submitted') {
    const { channel, procedure, agency, applicant, declaration } = change;
    if (!channel || !procedure || !agency || !applicant || !declaration) {
      throw new DossierInvalidInputError(
        'a new dossier needs its channel, procedure, agency and applicant',
        'status',
      );
    }
    return c('SubmitDossier', {
      channel,
      procedure,
      agency,
      applicant,
      declaration,
      parent: null,
      components: [],
    });
  }
  const target = change.status;
  if (s.status === target && target !== 'processing') return undefined;
  if (s.status === 'awaiting-payment' && target !== 'awaiting-payment') {
    const [obligationId, obligation] = Object.entries(s.obligations).find(([, o]) => !o.paid) ?? [];
    if (obligationId && obligation)
      return c('PayFinancialObligation', {
        obligationId,
        method: change.paymentMethod ?? 'desk',
        amountVnd: obligation.amountVnd,
        paymentReference: change.rowKey,
      });
  }
  const deciding = s.status === 'received' || s.status === 'processing';
  switch (target) {
    case 'refused':
      return c('RefuseDossier', { reason, official });
    case 'received': {
      const appointmentAt = change.dueAt;
      if (!appointmentAt) throw new DossierInvalidInputError('a reception needs its appointment', 'dueAt');
      return c('ReceiveDossier', { official, appointmentAt });
    }
    case 'processing':
      if (s.status === 'awaiting-supplement') {
        return c('SupplySupplement', {
          pausedWorkingTime: {
            amount: weekdaysBetween(s.pauses.at(-1)?.from ?? change.at, change.at),
            unit: 'day',
          },
          dueAt: laterOf(s.dueAt!, change.dueAt),
          appointmentAt: laterOf(s.appointmentAt!, change.dueAt),
          components: [],
        });
      }
      if (s.status === 'processing') return c('CompleteStep', { step: change.note ?? 'handover', official });
      return c('AssignDossier', { official, department: null });
    case 'awaiting-supplement':
      return c('RequestSupplement', { items: [reason], reason });
    case 'awaiting-payment': {
      const amountVnd = change.amountVnd;
      if (amountVnd === undefined) throw new DossierInvalidInputError('a fee needs its amount', 'amountVnd');
      return c('NotifyFinancialObligation', { obligationId: `fee-${change.rowKey}`, kind: 'fee', amountVnd });
    }
    case 'approved':
      return c('ApproveDossier', { official });
    case 'result-issued':
      if (deciding) return c('ApproveDossier', { official });
      return c('IssueResult', { electronic: null, paper: true });
    case 'returned':
      if (deciding) return c('ApproveDossier', { official });
      if (s.status === 'approved') return c('IssueResult', { electronic: null, paper: true });
      return c('ReturnResult', { channel: change.returnChannel ?? 'desk' });
    case 'rejected':
      return c('RejectDossier', { official, reason });
    case 'stopped':
      return c('StopProcessing', { reason });
    case 'withdrawn':
      return c('WithdrawDossier', { applicant: s.applicant, reason: change.note ?? null });
    default:
      throw new DossierInvalidInputError(
        `the hub cannot reach ${target} from another system's history`,
        'status',
      );
  }
}

/** At most this many commands for one change (pay, approve, issue, return). */
const MAX_STEPS = 4;

/**
 * The events that take a dossier in `state` to the status another system's history records, each
 * decided by the dossier decider (the same checks as the API's commands), and the state after them.
 * Throws the decider's error — DOSSIER_INVALID_TRANSITION for a status that cannot follow the
 * current one — and then nothing of the change is kept. `meta(i)` is the metadata of the change's
 * i-th command (its event id derives from the source row and i, so a re-read decides the same ids).
 */
export function decideImported(
  state: Dossier,
  change: ImportedStatusChange,
  meta: (step: number) => CommandMeta,
): { events: DossierEvent[]; state: Dossier } {
  const events: DossierEvent[] = [];
  let s = state;
  for (let step = 0; step < MAX_STEPS; step++) {
    // The metadata (and the event id in it) is made only for a command there is.
    const command = nextCommand(s, change, () => meta(step));
    if (!command) break;
    const decided = dossierDecider.decide(command, s);
    for (const e of decided) s = dossierDecider.evolve(s, e);
    events.push(...decided);
    if (s.status === change.status || command.type === 'SubmitDossier') break;
  }
  return { events, state: s };
}
