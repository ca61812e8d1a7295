import { v5 as uuidv5 } from 'uuid';
import {
  ConsentAlreadyExistsError,
  ConsentNotActiveError,
  ConsentNotFoundError,
  ConsentStillValidError,
  InvalidConsentError,
  UnknownCommandError,
} from '../../kernel/errors/index.js';
import type { EventMetadata } from '../../kernel/event-store.js';
import {
  CONSENT_NAMESPACE,
  type ConsentEvent,
  type ConsentExpired,
  type ConsentGranted,
  type ConsentGrantedData,
  type ConsentWithdrawn,
} from './events.js';

export type ConsentStatus = 'active' | 'withdrawn' | 'expired';

export type Consent =
  | { status: 'none' }
  | (ConsentGrantedData & { status: ConsentStatus; withdrawnAt: string | null });

export const initialState = (): Consent => ({ status: 'none' });

/** Time, ids and metadata come in with every command, so the decider stays pure. */
export interface CommandContext {
  /** ISO date-time the command is decided at. */
  now: string;
  /** Id for the event the command produces (ignored where the id is deterministic). */
  eventId: string;
  metadata: EventMetadata;
}

export interface GrantConsent {
  type: 'GrantConsent';
  data: ConsentGrantedData;
  context: CommandContext;
}

export interface WithdrawConsent {
  type: 'WithdrawConsent';
  /** Pseudonym of the citizen withdrawing: only the consent's own subject may. */
  data: { consentId: string; subject: string; reason: string | null };
  context: CommandContext;
}

export interface ExpireConsent {
  type: 'ExpireConsent';
  data: { consentId: string };
  context: CommandContext;
}

export type ConsentCommand = GrantConsent | WithdrawConsent | ExpireConsent;

export const evolve = (state: Consent, event: ConsentEvent): Consent => {
  switch (event.type) {
    case 'ConsentGranted':
      return { ...event.data, status: 'active', withdrawnAt: null };
    case 'ConsentWithdrawn':
      return state.status === 'none'
        ? state
        : { ...state, status: 'withdrawn', withdrawnAt: event.data.withdrawnAt };
    case 'ConsentExpired':
      return state.status === 'none' ? state : { ...state, status: 'expired' };
    default:
      return state;
  }
};

export const fold = (events: readonly { type: string; data: unknown }[]): Consent =>
  events.reduce((s, e) => evolve(s, e as ConsentEvent), initialState());

/** The status at `now`: an active consent past its window counts as expired even before ConsentExpired. */
export function statusAt(
  state: { status: ConsentStatus | 'none'; validFrom?: string; validUntil?: string },
  now: string,
): ConsentStatus | 'none' | 'not-yet-valid' {
  if (state.status !== 'active') return state.status;
  const t = Date.parse(now);
  if (t >= Date.parse(state.validUntil!)) return 'expired';
  if (t < Date.parse(state.validFrom!)) return 'not-yet-valid';
  return 'active';
}

export function decide(command: ConsentCommand, state: Consent): ConsentEvent[] {
  switch (command.type) {
    case 'GrantConsent':
      return grant(command, state);
    case 'WithdrawConsent':
      return withdraw(command, state);
    case 'ExpireConsent':
      return expire(command, state);
    default: {
      const never: never = command;
      throw new UnknownCommandError(never);
    }
  }
}

function grant({ data, context }: GrantConsent, state: Consent): ConsentGranted[] {
  if (state.status !== 'none') throw new ConsentAlreadyExistsError(data.consentId);
  if (data.purposes.length === 0) throw new InvalidConsentError('at least one purpose is required');
  if (data.scope.length === 0) throw new InvalidConsentError('at least one dataset is required');
  for (const s of data.scope) {
    if (s.fields.length === 0) throw new InvalidConsentError(`no fields named for dataset ${s.dataset}`);
  }
  const from = Date.parse(data.validFrom);
  const until = Date.parse(data.validUntil);
  if (Number.isNaN(from) || Number.isNaN(until)) throw new InvalidConsentError('validity must be date-times');
  if (until <= from) throw new InvalidConsentError('validUntil must be after validFrom');
  if (until <= Date.parse(context.now)) throw new InvalidConsentError('validUntil is in the past');
  return [{ id: context.eventId, type: 'ConsentGranted', data, metadata: context.metadata }];
}

function withdraw({ data, context }: WithdrawConsent, state: Consent): ConsentWithdrawn[] {
  if (state.status === 'none' || state.subject !== data.subject)
    throw new ConsentNotFoundError(data.consentId);
  const status = statusAt(state, context.now);
  if (status === 'withdrawn' || status === 'expired') throw new ConsentNotActiveError(data.consentId, status);
  return [
    {
      id: context.eventId,
      type: 'ConsentWithdrawn',
      data: {
        consentId: data.consentId,
        subject: state.subject,
        consumer: state.consumer,
        withdrawnAt: context.now,
        reason: data.reason,
      },
      metadata: context.metadata,
    },
  ];
}

/** Idempotent: a consent already withdrawn or expired yields nothing; the event id is deterministic. */
function expire({ data, context }: ExpireConsent, state: Consent): ConsentExpired[] {
  if (state.status === 'none') throw new ConsentNotFoundError(data.consentId);
  if (state.status !== 'active') return [];
  if (Date.parse(context.now) < Date.parse(state.validUntil)) {
    throw new ConsentStillValidError(data.consentId, state.validUntil);
  }
  return [
    {
      id: uuidv5(`${data.consentId}/expired`, CONSENT_NAMESPACE),
      type: 'ConsentExpired',
      data: {
        consentId: data.consentId,
        subject: state.subject,
        consumer: state.consumer,
        expiredAt: state.validUntil,
      },
      metadata: context.metadata,
    },
  ];
}
