import stringify from 'safe-stable-stringify';
import { type Decider, eventOf } from '../../kernel/decider/index.js';
import { AgencyStateError, UnknownCommandError } from '../../kernel/errors/index.js';
import type { AgencyCommand, RegisterAgency, RetireAgency, UpdateAgency } from './commands.js';
import type { AgencyDescriptor, AgencyEvent, AgencyRetiredData } from './events.js';

export type AgencyState =
  | { status: 'unregistered' }
  | { status: 'active'; agency: AgencyDescriptor }
  | { status: 'retired'; agency: AgencyDescriptor; retirement: AgencyRetiredData };

export const initialState = (): AgencyState => ({ status: 'unregistered' });

export const sameContent = (a: unknown, b: unknown) => stringify(a) === stringify(b);

export const evolve = (state: AgencyState, event: AgencyEvent): AgencyState => {
  switch (event.type) {
    case 'AgencyRegistered':
    case 'AgencyUpdated':
      return { status: 'active', agency: event.data };
    case 'AgencyRetired':
      return state.status === 'unregistered'
        ? state
        : { ...state, status: 'retired', retirement: event.data };
    default:
      return state;
  }
};

export const decide = (command: AgencyCommand, state: AgencyState): AgencyEvent[] => {
  switch (command.type) {
    case 'RegisterAgency':
      return register(command, state);
    case 'UpdateAgency':
      return update(command, state);
    case 'RetireAgency':
      return retire(command, state);
    default: {
      const never: never = command;
      throw new UnknownCommandError(never);
    }
  }
};

function checkDescriptor(agency: AgencyDescriptor): void {
  if (agency.validUntil !== undefined && agency.validUntil <= agency.validFrom) {
    throw new AgencyStateError(agency.organCode, 'validUntil must be after validFrom');
  }
  if (agency.parentOrganCode === agency.organCode) {
    throw new AgencyStateError(agency.organCode, 'an agency cannot be its own parent');
  }
  if (agency.roles.length === 0) throw new AgencyStateError(agency.organCode, 'at least one role is needed');
}

function register({ data: agency, meta }: RegisterAgency, state: AgencyState): AgencyEvent[] {
  if (state.status !== 'unregistered') {
    if (state.status === 'active' && sameContent(state.agency, agency)) return [];
    throw new AgencyStateError(agency.organCode, `already registered (${state.status}); update it instead`);
  }
  checkDescriptor(agency);
  return [eventOf(meta, 'AgencyRegistered', agency)];
}

function update({ data: agency, meta }: UpdateAgency, state: AgencyState): AgencyEvent[] {
  if (state.status === 'unregistered') throw new AgencyStateError(agency.organCode, 'not registered');
  if (state.status === 'retired') throw new AgencyStateError(agency.organCode, 'retired agencies are final');
  if (sameContent(state.agency, agency)) return [];
  checkDescriptor(agency);
  return [eventOf(meta, 'AgencyUpdated', agency)];
}

function retire({ data: retirement, meta }: RetireAgency, state: AgencyState): AgencyEvent[] {
  const code = retirement.organCode;
  if (state.status === 'unregistered') throw new AgencyStateError(code, 'not registered');
  if (state.status === 'retired') {
    if (sameContent(state.retirement, retirement)) return [];
    throw new AgencyStateError(code, `already retired on ${state.retirement.validUntil}`);
  }
  if (retirement.successorOrganCode === code)
    throw new AgencyStateError(code, 'an agency cannot succeed itself');
  if (retirement.validUntil <= state.agency.validFrom) {
    throw new AgencyStateError(code, `cannot retire before it came into force (${state.agency.validFrom})`);
  }
  return [eventOf(meta, 'AgencyRetired', retirement)];
}

/** The agency registry's decider: one stream `agency-<organCode>` per agency. */
export const agencyDecider: Decider<AgencyCommand, AgencyState, AgencyEvent> = {
  decide,
  evolve,
  initialState,
};
