import { describe, expect, it } from 'vitest';
import { AgencyStateError } from '../../kernel/errors/index.js';
import { buildMetadata } from '../../kernel/metadata.js';
import { type AgencyCommand, type AgencyState, decide, evolve, initialState } from './decider.js';
import type { AgencyDescriptor, AgencyEvent } from './events.js';

const meta = (n: number) => ({
  eventId: `00000000-0000-4000-8000-00000000000${n}`,
  metadata: buildMetadata({
    occurredAt: '2025-07-01T00:00:00+07:00',
    actor: { kind: 'operator', id: 'op' },
    correlationId: 'c',
  }),
});

const district: AgencyDescriptor = {
  organCode: '001.00.00.H26',
  name: 'Ủy ban nhân dân Quận Ba Đình',
  level: 'district',
  roles: ['consumer'],
  keys: { jwks: { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'abc', kid: 'k1' }] } },
  validFrom: '2008-01-01',
};
const register: AgencyCommand = { type: 'RegisterAgency', agency: district, meta: meta(1) };
const registered: AgencyEvent = {
  id: meta(1).eventId,
  type: 'AgencyRegistered',
  data: district,
  metadata: meta(1).metadata,
};
const rotated = {
  ...district,
  keys: { jwks: { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'def', kid: 'k2' }] } },
};
const retirement = {
  organCode: district.organCode,
  validUntil: '2025-07-01',
  successorOrganCode: '000.04.01.H26',
};
const retire: AgencyCommand = { type: 'RetireAgency', retirement, meta: meta(3) };
const retired: AgencyEvent = {
  id: meta(3).eventId,
  type: 'AgencyRetired',
  data: retirement,
  metadata: meta(3).metadata,
};

/** given(events).when(command) → thenEmits(events) | thenThrows(message pattern) */
const given = (events: AgencyEvent[]) => ({
  when: (command: AgencyCommand) => {
    const state: AgencyState = events.reduce(evolve, initialState);
    const run = () => decide(command, state);
    return {
      thenEmits: (expected: AgencyEvent[]) => expect(run()).toEqual(expected),
      thenThrows: (pattern: RegExp) => {
        expect(run).toThrow(AgencyStateError);
        expect(run).toThrow(pattern);
      },
    };
  },
});

describe('agency decider', () => {
  it('registers a new agency', () => given([]).when(register).thenEmits([registered]));
  it('treats registering the same agency again as a no-op', () =>
    given([registered]).when(register).thenEmits([]));
  it('refuses to register a different agency over an existing one', () =>
    given([registered])
      .when({ ...register, agency: { ...district, name: 'Khác' } })
      .thenThrows(/already registered/));
  it('updates keys (rotation) as AgencyUpdated', () =>
    given([registered])
      .when({ type: 'UpdateAgency', agency: rotated, meta: meta(2) })
      .thenEmits([
        { id: meta(2).eventId, type: 'AgencyUpdated', data: rotated, metadata: meta(2).metadata },
      ]));
  it('retires with a successor', () => given([registered]).when(retire).thenEmits([retired]));
  it('retiring twice the same way is a no-op; differently is refused', () => {
    given([registered, retired]).when(retire).thenEmits([]);
    given([registered, retired])
      .when({ ...retire, retirement: { ...retirement, validUntil: '2025-08-01' } })
      .thenThrows(/already retired/);
  });
  it('refuses updates of retired agencies and self-succession', () => {
    given([registered, retired])
      .when({ type: 'UpdateAgency', agency: rotated, meta: meta(2) })
      .thenThrows(/final/);
    given([registered])
      .when({ ...retire, retirement: { ...retirement, successorOrganCode: district.organCode } })
      .thenThrows(/succeed itself/);
  });
  it('refuses retirement before the agency came into force, and a validity window that ends first', () => {
    given([registered])
      .when({ ...retire, retirement: { ...retirement, validUntil: '2007-01-01' } })
      .thenThrows(/before/);
    given([])
      .when({ ...register, agency: { ...district, validUntil: '2000-01-01' } })
      .thenThrows(/after validFrom/);
  });
  it('refuses commands on unregistered agencies', () =>
    given([])
      .when(retire)
      .thenThrows(/not registered/));
});
