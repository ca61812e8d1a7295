import { describe, expect, it } from 'vitest';
import { createEventValidator } from '../../events/validator.js';
import {
  ConsentAlreadyExistsError,
  ConsentNotActiveError,
  ConsentNotFoundError,
  ConsentStillValidError,
  InvalidConsentError,
} from '../../kernel/errors/index.js';
import { buildMetadata } from '../../kernel/metadata.js';
import { type CommandContext, type ConsentCommand, decide, fold, statusAt } from './decider.js';
import type { ConsentEvent, ConsentGrantedData } from './events.js';

const validator = createEventValidator();
const SUBJECT = '0123456789abcdef0123456789abcdef';
const ID = '5d0c7f5e-3c1b-4e7a-9a52-0b6f8f2d9e11';

const ctx = (now: string, eventId = '9b2f6a0e-1c4d-4f8e-8a3b-7d5e6f708192'): CommandContext => ({
  now,
  eventId,
  metadata: buildMetadata({
    occurredAt: now,
    actor: { kind: 'agency', id: '000.00.00.G22', official: 'portal-clerk-1' },
    correlationId: 'c-1',
  }),
});

const grantData: ConsentGrantedData = {
  consentId: ID,
  subject: SUBJECT,
  consumer: '000.00.01.H01',
  purposes: ['tthc-1.001612'],
  scope: [{ dataset: 'population', fields: ['fullName', 'dateOfBirth'] }],
  dossier: 'HS-2026-000123',
  validFrom: '2026-11-01T00:00:00.000Z',
  validUntil: '2026-12-01T00:00:00.000Z',
  collectedBy: { agency: '000.00.00.G22', official: 'portal-clerk-1' },
  receiptId: '7f3e2d1c-0b9a-4876-9543-210fedcba987',
};

const grant: ConsentCommand = {
  type: 'GrantConsent',
  data: grantData,
  context: ctx('2026-11-01T08:00:00.000Z'),
};
const withdraw = (now: string, subject = SUBJECT): ConsentCommand => ({
  type: 'WithdrawConsent',
  data: { consentId: ID, subject, reason: 'no longer needed' },
  context: ctx(now, 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d'),
});
const expire = (now: string): ConsentCommand => ({
  type: 'ExpireConsent',
  data: { consentId: ID },
  context: ctx(now),
});

/** given(events).when(command).then(events) / .thenThrows(ErrorClass) */
function given(history: ConsentEvent[]) {
  return {
    when(command: ConsentCommand) {
      const run = () => decide(command, fold(history));
      return {
        // biome-ignore lint/suspicious/noThenProperty: the given/when/then vocabulary of decider specs
        then(expected: Record<string, unknown>[]) {
          const events = run();
          for (const event of events) validator.validate(event);
          expect(events).toMatchObject(expected);
          expect(events).toHaveLength(expected.length);
          return events;
        },
        thenThrows(error: new (...args: never[]) => Error) {
          expect(run).toThrow(error);
        },
      };
    },
  };
}

const [granted] = decide(grant, fold([]));
const [withdrawn] = decide(withdraw('2026-11-10T00:00:00.000Z'), fold([granted!]));

describe('consent decider', () => {
  it('grants a consent once, with a valid event carrying the metadata passed in', () => {
    const [event] = given([])
      .when(grant)
      .then([{ type: 'ConsentGranted', id: grant.context.eventId, data: grantData }]);
    expect(event!.metadata.actor.official).toBe('portal-clerk-1');
    given([granted!]).when(grant).thenThrows(ConsentAlreadyExistsError);
  });

  it('refuses grants without purposes, fields or a future validity window', () => {
    const bad = (data: Partial<ConsentGrantedData>): ConsentCommand =>
      ({ ...grant, data: { ...grantData, ...data } }) as ConsentCommand;
    given([])
      .when(bad({ purposes: [] }))
      .thenThrows(InvalidConsentError);
    given([])
      .when(bad({ scope: [{ dataset: 'population', fields: [] }] }))
      .thenThrows(InvalidConsentError);
    given([])
      .when(bad({ validUntil: grantData.validFrom }))
      .thenThrows(InvalidConsentError);
    given([])
      .when(bad({ validFrom: '2026-01-01T00:00:00Z', validUntil: '2026-02-01T00:00:00Z' }))
      .thenThrows(InvalidConsentError);
  });

  it('withdraws an active consent at the time given, only for its own subject', () => {
    given([granted!])
      .when(withdraw('2026-11-10T00:00:00.000Z'))
      .then([
        {
          type: 'ConsentWithdrawn',
          data: { consentId: ID, withdrawnAt: '2026-11-10T00:00:00.000Z', consumer: '000.00.01.H01' },
        },
      ]);
    given([granted!])
      .when(withdraw('2026-11-10T00:00:00.000Z', 'f'.repeat(32)))
      .thenThrows(ConsentNotFoundError);
    given([]).when(withdraw('2026-11-10T00:00:00.000Z')).thenThrows(ConsentNotFoundError);
  });

  it('refuses to withdraw twice or after the window closed', () => {
    given([granted!, withdrawn!])
      .when(withdraw('2026-11-11T00:00:00.000Z'))
      .thenThrows(ConsentNotActiveError);
    given([granted!]).when(withdraw('2026-12-01T00:00:00.000Z')).thenThrows(ConsentNotActiveError);
  });

  it('expires a lapsed consent with a deterministic id, and does nothing the second time', () => {
    const [first] = given([granted!])
      .when(expire('2026-12-01T00:00:00.000Z'))
      .then([{ type: 'ConsentExpired', data: { consentId: ID, expiredAt: grantData.validUntil } }]);
    const [again] = decide(expire('2026-12-02T00:00:00.000Z'), fold([granted!]));
    expect(again!.id).toBe(first!.id);
    given([granted!, first!]).when(expire('2026-12-03T00:00:00.000Z')).then([]);
    given([granted!, withdrawn!]).when(expire('2026-12-03T00:00:00.000Z')).then([]);
    given([granted!]).when(expire('2026-11-30T23:59:59.999Z')).thenThrows(ConsentStillValidError);
    given([]).when(expire('2026-12-03T00:00:00.000Z')).thenThrows(ConsentNotFoundError);
  });

  it('reads the status exactly from the validity window', () => {
    const state = fold([granted!]);
    expect(statusAt(state, '2026-10-31T23:59:59.999Z')).toBe('not-yet-valid');
    expect(statusAt(state, '2026-11-30T23:59:59.999Z')).toBe('active');
    expect(statusAt(state, '2026-12-01T00:00:00.000Z')).toBe('expired');
    expect(statusAt(fold([granted!, withdrawn!]), '2026-11-20T00:00:00.000Z')).toBe('withdrawn');
  });
});
