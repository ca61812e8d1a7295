import stringify from 'safe-stable-stringify';
import { AgencyStateError } from '../../kernel/errors/index.js';
import type { EventMetadata } from '../../kernel/event-store.js';
import type { AgencyDescriptor, AgencyEvent, AgencyRetiredData } from './events.js';

/** Id and metadata of the event a command may produce: passed in so deciders stay pure. */
export interface CommandMeta {
  eventId: string;
  metadata: EventMetadata;
}

export type AgencyCommand =
  | { type: 'RegisterAgency'; agency: AgencyDescriptor; meta: CommandMeta }
  | { type: 'UpdateAgency'; agency: AgencyDescriptor; meta: CommandMeta }
  | { type: 'RetireAgency'; retirement: AgencyRetiredData; meta: CommandMeta };

export type AgencyState =
  | { status: 'unregistered' }
  | { status: 'active'; agency: AgencyDescriptor }
  | { status: 'retired'; agency: AgencyDescriptor; retirement: AgencyRetiredData };

export const initialState: AgencyState = { status: 'unregistered' };

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
      throw new AgencyStateError('?', `unknown command ${JSON.stringify(never)}`);
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

function register(
  command: Extract<AgencyCommand, { type: 'RegisterAgency' }>,
  state: AgencyState,
): AgencyEvent[] {
  const { agency, meta } = command;
  if (state.status !== 'unregistered') {
    if (state.status === 'active' && sameContent(state.agency, agency)) return [];
    throw new AgencyStateError(agency.organCode, `already registered (${state.status}); update it instead`);
  }
  checkDescriptor(agency);
  return [{ id: meta.eventId, type: 'AgencyRegistered', data: agency, metadata: meta.metadata }];
}

function update(
  command: Extract<AgencyCommand, { type: 'UpdateAgency' }>,
  state: AgencyState,
): AgencyEvent[] {
  const { agency, meta } = command;
  if (state.status === 'unregistered') throw new AgencyStateError(agency.organCode, 'not registered');
  if (state.status === 'retired') throw new AgencyStateError(agency.organCode, 'retired agencies are final');
  if (sameContent(state.agency, agency)) return [];
  checkDescriptor(agency);
  return [{ id: meta.eventId, type: 'AgencyUpdated', data: agency, metadata: meta.metadata }];
}

function retire(
  command: Extract<AgencyCommand, { type: 'RetireAgency' }>,
  state: AgencyState,
): AgencyEvent[] {
  const { retirement, meta } = command;
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
  return [{ id: meta.eventId, type: 'AgencyRetired', data: retirement, metadata: meta.metadata }];
}
