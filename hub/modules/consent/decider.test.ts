import { describe, expect, it } from 'vitest';
import { createEventValidator } from '../../events/validator.js';
import { type CommandMeta, DeciderSpecification, fold } from '../../kernel/decider/index.js';
import {
  ConsentAlreadyExistsError,
  ConsentNotActiveError,
  ConsentNotFoundError,
  ConsentStillValidError,
  InvalidConsentError,
} from '../../kernel/errors/index.js';
import { deterministicId } from '../../kernel/ids.js';
import { buildMetadata } from '../../kernel/metadata.js';
import type { ConsentCommand, GrantConsent } from './commands.js';
import { consentDecider, statusAt } from './decider.js';
import { CONSENT_NAMESPACE, type ConsentEvent, type ConsentGrantedData } from './events.js';

const validator = createEventValidator();
const { given } = DeciderSpecification.for(consentDecider, { validate: (e) => validator.validate(e) });
const SUBJECT = '0123456789abcdef0123456789abcdef';
const ID = '5d0c7f5e-3c1b-4e7a-9a52-0b6f8f2d9e11';
const CONSUMER = '000.00.01.H01';

const meta = (now: string, eventId = '9b2f6a0e-1c4d-4f8e-8a3b-7d5e6f708192'): CommandMeta => ({
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
  consumer: CONSUMER,
  purposes: ['tthc-1.001612'],
  scope: [{ dataset: 'population', fields: ['fullName', 'dateOfBirth'] }],
  dossier: 'HS-2026-000123',
  validFrom: '2026-11-01T00:00:00.000Z',
  validUntil: '2026-12-01T00:00:00.000Z',
  collectedBy: { agency: '000.00.00.G22', official: 'portal-clerk-1' },
  receiptId: '7f3e2d1c-0b9a-4876-9543-210fedcba987',
};

const grant: GrantConsent = { type: 'GrantConsent', data: grantData, meta: meta('2026-11-01T08:00:00.000Z') };
const WITHDRAWAL_ID = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const withdraw = (now: string, subject = SUBJECT): ConsentCommand => ({
  type: 'WithdrawConsent',
  data: { consentId: ID, subject, reason: 'no longer needed' },
  meta: meta(now, WITHDRAWAL_ID),
});
const expire = (now: string): ConsentCommand => ({
  type: 'ExpireConsent',
  data: { consentId: ID },
  meta: meta(now),
});

const granted: ConsentEvent = {
  id: grant.meta.eventId,
  type: 'ConsentGranted',
  data: grantData,
  metadata: grant.meta.metadata,
};
const withdrawn: ConsentEvent = {
  id: WITHDRAWAL_ID,
  type: 'ConsentWithdrawn',
  data: {
    consentId: ID,
    subject: SUBJECT,
    consumer: CONSUMER,
    withdrawnAt: '2026-11-10T00:00:00.000Z',
    reason: 'no longer needed',
  },
  metadata: meta('2026-11-10T00:00:00.000Z').metadata,
};
/** ConsentExpired has an id of its own, the same whenever and wherever it is decided. */
const expiredAt = (now: string): ConsentEvent => ({
  id: deterministicId(CONSENT_NAMESPACE, ID, 'expired'),
  type: 'ConsentExpired',
  data: { consentId: ID, subject: SUBJECT, consumer: CONSUMER, expiredAt: grantData.validUntil },
  metadata: meta(now).metadata,
});

describe('consent decider', () => {
  it('grants a consent once, with a valid event carrying the metadata passed in', () => {
    const [event] = given([]).when(grant).then([granted]);
    expect(event!.metadata.actor.official).toBe('portal-clerk-1');
    given([granted])
      .when(grant)
      .thenThrows(ConsentAlreadyExistsError, (e) => e.consentId === ID);
  });

  it('refuses grants without purposes, fields or a future validity window', () => {
    const bad = (data: Partial<ConsentGrantedData>): ConsentCommand => ({
      ...grant,
      data: { ...grantData, ...data },
    });
    const because = (reason: RegExp) => (e: InvalidConsentError) => reason.test(e.reason);
    given([])
      .when(bad({ purposes: [] }))
      .thenThrows(InvalidConsentError, because(/purpose/));
    given([])
      .when(bad({ scope: [{ dataset: 'population', fields: [] }] }))
      .thenThrows(InvalidConsentError, because(/no fields/));
    given([])
      .when(bad({ validUntil: grantData.validFrom }))
      .thenThrows(InvalidConsentError, because(/after validFrom/));
    given([])
      .when(bad({ validFrom: '2026-01-01T00:00:00Z', validUntil: '2026-02-01T00:00:00Z' }))
      .thenThrows(InvalidConsentError, because(/in the past/));
  });

  it('withdraws an active consent at the time given, only for its own subject', () => {
    given([granted]).when(withdraw('2026-11-10T00:00:00.000Z')).then([withdrawn]);
    given([granted])
      .when(withdraw('2026-11-10T00:00:00.000Z', 'f'.repeat(32)))
      .thenThrows(ConsentNotFoundError);
    given([]).when(withdraw('2026-11-10T00:00:00.000Z')).thenThrows(ConsentNotFoundError);
  });

  it('refuses to withdraw twice or after the window closed', () => {
    given([granted, withdrawn])
      .when(withdraw('2026-11-11T00:00:00.000Z'))
      .thenThrows(ConsentNotActiveError, (e) => e.consentStatus === 'withdrawn');
    given([granted])
      .when(withdraw('2026-12-01T00:00:00.000Z'))
      .thenThrows(ConsentNotActiveError, (e) => e.consentStatus === 'expired');
  });

  it('expires a lapsed consent with a deterministic id, and does nothing the second time', () => {
    const [first] = given([granted])
      .when(expire('2026-12-01T00:00:00.000Z'))
      .then([expiredAt('2026-12-01T00:00:00.000Z')]);
    const [again] = given([granted])
      .when(expire('2026-12-02T00:00:00.000Z'))
      .then([expiredAt('2026-12-02T00:00:00.000Z')]);
    expect(again!.id).toBe(first!.id);
    given([granted, first!]).when(expire('2026-12-03T00:00:00.000Z')).thenNothing();
    given([granted, withdrawn]).when(expire('2026-12-03T00:00:00.000Z')).thenNothing();
    given([granted]).when(expire('2026-11-30T23:59:59.999Z')).thenThrows(ConsentStillValidError);
    given([]).when(expire('2026-12-03T00:00:00.000Z')).thenThrows(ConsentNotFoundError);
  });

  it('reads the status exactly from the validity window', () => {
    const state = fold(consentDecider, [granted]);
    expect(statusAt(state, '2026-10-31T23:59:59.999Z')).toBe('not-yet-valid');
    expect(statusAt(state, '2026-11-30T23:59:59.999Z')).toBe('active');
    expect(statusAt(state, '2026-12-01T00:00:00.000Z')).toBe('expired');
    expect(statusAt(fold(consentDecider, [granted, withdrawn]), '2026-11-20T00:00:00.000Z')).toBe(
      'withdrawn',
    );
  });
});
