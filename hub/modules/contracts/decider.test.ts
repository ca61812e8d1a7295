import { describe, it } from 'vitest';
import { createEventValidator } from '../../events/validator.js';
import { DeciderSpecification } from '../../kernel/decider/index.js';
import { ContractNotFoundError, ContractStateError } from '../../kernel/errors/index.js';
import { deciderFixtures } from '../../testing/decider.js';
import type { ApplyContract, RevokeContract } from './commands.js';
import { contractDecider, termsDigest } from './decider.js';
import type { ContractEvent, ContractTerms } from './events.js';

const validator = createEventValidator();
const { given } = DeciderSpecification.for(contractDecider, { validate: (e) => validator.validate(e) });

const { meta, event } = deciderFixtures<ContractEvent>('2026-01-01T00:00:00Z', 'test');

const terms: ContractTerms = {
  contractId: 'c06-to-hanoi-social-assistance',
  title: 'Population data for social assistance',
  provider: '000.06.00.G08',
  consumer: '000.00.00.H26',
  dataset: 'population',
  fields: ['fullName', 'dateOfBirth'],
  purposes: ['tthc-1.001612'],
  legalBasis: 'Nghị định 47/2020/NĐ-CP, Điều 14',
  consentRequired: true,
  validFrom: '2025-07-01',
  validUntil: null,
  rateLimit: { requests: 60, perSeconds: 60 },
};
const narrower = { ...terms, fields: ['fullName'] };
const apply = (n: number, t: ContractTerms = terms): ApplyContract => ({
  type: 'ApplyContract',
  data: t,
  meta: meta(n),
});
const revoke = (n: number, reason = 'Hết nhu cầu'): RevokeContract => ({
  type: 'RevokeContract',
  data: { contractId: terms.contractId, reason, revokedOn: '2026-01-01' },
  meta: meta(n),
});
const registered = event(1, 'ContractRegistered', { ...terms, version: 1, digest: termsDigest(terms) });
const revocation = {
  contractId: terms.contractId,
  reason: 'Hết nhu cầu',
  revokedOn: '2026-01-01',
  version: 1,
};
const revoked = event(3, 'ContractRevoked', revocation);

describe('contract decider', () => {
  it('registers v1, amends v2 on change, does nothing when unchanged', () => {
    given([]).when(apply(1)).then([registered]);
    given([registered]).when(apply(2)).thenNothing();
    given([registered])
      .when(apply(2, narrower))
      .then([event(2, 'ContractAmended', { ...narrower, version: 2, digest: termsDigest(narrower) })]);
  });

  it('refuses a validity window that ends before it starts', () =>
    given([])
      .when(apply(1, { ...terms, validUntil: '2025-01-01' }))
      .thenThrows(ContractStateError, (e) => /after validFrom/.test(e.reason)));

  it('revokes the version in force with a reason; the same revocation again is a no-op', () => {
    given([registered]).when(revoke(3)).then([revoked]);
    given([registered, revoked]).when(revoke(4)).thenNothing();
    given([registered, revoked])
      .when(revoke(4, 'Đổi ý khác'))
      .thenThrows(ContractStateError, (e) => /already revoked/.test(e.reason));
    given([registered])
      .when(revoke(3, ' '))
      .thenThrows(ContractStateError, (e) => /needs a reason/.test(e.reason));
    given([])
      .when(revoke(3))
      .thenThrows(ContractNotFoundError, (e) => e.contractId === terms.contractId);
  });

  it('refuses amending a revoked contract', () =>
    given([registered, revoked])
      .when(apply(4, narrower))
      .thenThrows(ContractStateError, (e) => /write a new contract/.test(e.reason)));
});
