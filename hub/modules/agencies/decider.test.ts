import { describe, it } from 'vitest';
import { createEventValidator } from '../../events/validator.js';
import { DeciderSpecification } from '../../kernel/decider/index.js';
import { AgencyStateError } from '../../kernel/errors/index.js';
import { deciderFixtures } from '../../testing/decider.js';
import type { AgencyCommand } from './commands.js';
import { agencyDecider } from './decider.js';
import type { AgencyDescriptor, AgencyEvent } from './events.js';

const validator = createEventValidator();
const spec = DeciderSpecification.for(agencyDecider, { validate: (e) => validator.validate(e) });
const given = spec.given;

const { meta, event } = deciderFixtures<AgencyEvent>('2025-07-01T00:00:00+07:00', 'op');

const district: AgencyDescriptor = {
  organCode: '001.00.00.H26',
  name: 'Ủy ban nhân dân Quận Ba Đình',
  level: 'district',
  roles: ['consumer'],
  keys: { jwks: { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'abc', kid: 'k1' }] } },
  validFrom: '2008-01-01',
};
const register: AgencyCommand = { type: 'RegisterAgency', data: district, meta: meta(1) };
const registered = event(1, 'AgencyRegistered', district);
const rotated = {
  ...district,
  keys: { jwks: { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'def', kid: 'k2' }] } },
};
const update: AgencyCommand = { type: 'UpdateAgency', data: rotated, meta: meta(2) };
const retirement = {
  organCode: district.organCode,
  validUntil: '2025-07-01',
  successorOrganCode: '000.04.01.H26',
};
const retire: AgencyCommand = { type: 'RetireAgency', data: retirement, meta: meta(3) };
const retired = event(3, 'AgencyRetired', retirement);

/** The decider refuses with AgencyStateError, saying why. */
const refused = (reason: RegExp) => (e: AgencyStateError) =>
  e.organCode === district.organCode && reason.test(e.reason);

describe('agency decider', () => {
  it('registers a new agency', () => given([]).when(register).then([registered]));
  it('treats registering the same agency again as a no-op', () =>
    given([registered]).when(register).thenNothing());
  it('refuses to register a different agency over an existing one', () =>
    given([registered])
      .when({ ...register, data: { ...district, name: 'Khác' } })
      .thenThrows(AgencyStateError, refused(/already registered/)));
  it('updates keys (rotation) as AgencyUpdated', () =>
    given([registered])
      .when(update)
      .then([event(2, 'AgencyUpdated', rotated)]));
  it('retires with a successor', () => given([registered]).when(retire).then([retired]));
  it('retiring twice the same way is a no-op; differently is refused', () => {
    given([registered, retired]).when(retire).thenNothing();
    given([registered, retired])
      .when({ ...retire, data: { ...retirement, validUntil: '2025-08-01' } })
      .thenThrows(AgencyStateError, refused(/already retired/));
  });
  it('refuses updates of retired agencies and self-succession', () => {
    given([registered, retired]).when(update).thenThrows(AgencyStateError, refused(/final/));
    given([registered])
      .when({ ...retire, data: { ...retirement, successorOrganCode: district.organCode } })
      .thenThrows(AgencyStateError, refused(/succeed itself/));
  });
  it('refuses retirement before the agency came into force, and a validity window that ends first', () => {
    given([registered])
      .when({ ...retire, data: { ...retirement, validUntil: '2007-01-01' } })
      .thenThrows(AgencyStateError, refused(/before/));
    given([])
      .when({ ...register, data: { ...district, validUntil: '2000-01-01' } })
      .thenThrows(AgencyStateError, refused(/after validFrom/));
  });
  it('refuses commands on unregistered agencies', () => {
    given([])
      .when(retire)
      .thenThrows(AgencyStateError, refused(/not registered/));
    given([])
      .when(update)
      .thenThrows(AgencyStateError, refused(/not registered/));
  });
});
