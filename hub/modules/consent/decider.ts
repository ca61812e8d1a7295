import { type Decider, eventOf } from '../../kernel/decider/index.js';
import {
  ConsentAlreadyExistsError,
  ConsentNotActiveError,
  ConsentNotFoundError,
  ConsentStillValidError,
  InvalidConsentError,
  UnknownCommandError,
} from '../../kernel/errors/index.js';
import { deterministicId } from '../../kernel/ids.js';
import type { ConsentCommand, ExpireConsent, GrantConsent, WithdrawConsent } from './commands.js';
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

function grant({ data, meta }: GrantConsent, state: Consent): ConsentGranted[] {
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
  if (until <= Date.parse(meta.now)) throw new InvalidConsentError('validUntil is in the past');
  return [eventOf(meta, 'ConsentGranted', data)];
}

function withdraw({ data, meta }: WithdrawConsent, state: Consent): ConsentWithdrawn[] {
  if (state.status === 'none' || state.subject !== data.subject)
    throw new ConsentNotFoundError(data.consentId);
  const status = statusAt(state, meta.now);
  if (status === 'withdrawn' || status === 'expired') throw new ConsentNotActiveError(data.consentId, status);
  return [
    eventOf(meta, 'ConsentWithdrawn', {
      consentId: data.consentId,
      subject: state.subject,
      consumer: state.consumer,
      withdrawnAt: meta.now,
      reason: data.reason,
    }),
  ];
}

/** Idempotent: a consent already withdrawn or expired yields nothing; the event id is deterministic. */
function expire({ data, meta }: ExpireConsent, state: Consent): ConsentExpired[] {
  if (state.status === 'none') throw new ConsentNotFoundError(data.consentId);
  if (state.status !== 'active') return [];
  if (Date.parse(meta.now) < Date.parse(state.validUntil)) {
    throw new ConsentStillValidError(data.consentId, state.validUntil);
  }
  return [
    {
      id: deterministicId(CONSENT_NAMESPACE, data.consentId, 'expired'),
      type: 'ConsentExpired',
      data: {
        consentId: data.consentId,
        subject: state.subject,
        consumer: state.consumer,
        expiredAt: state.validUntil,
      },
      metadata: meta.metadata,
    },
  ];
}

/** The consents' decider: one stream `consent-<consentId>` per consent. */
export const consentDecider: Decider<ConsentCommand, Consent, ConsentEvent> = {
  decide,
  evolve,
  initialState,
};
