import { aggregateStream, type CommandMeta, handleCommand } from '../../kernel/decider/index.js';
import { AgencyNotFoundError, AgencyStateError } from '../../kernel/errors/index.js';
import type { EventStore } from '../../kernel/event-store.js';
import type { AgencyCommand } from './commands.js';
import { type AgencyState, agencyDecider } from './decider.js';
import { type AgencyDescriptor, type AgencyEvent, type AgencyRetiredData, agencyStream } from './events.js';

/** An agency as its stream says (the source of truth, whatever the read model has caught up to). */
export async function loadAgency(store: EventStore, organCode: string): Promise<AgencyState> {
  return (await aggregateStream(store, agencyStream(organCode), agencyDecider)).state;
}

/** Registers a new agency or replaces the registration of an active one (e.g. to rotate keys). */
export async function registerOrUpdateAgency(
  store: EventStore,
  agency: AgencyDescriptor,
  meta: CommandMeta,
): Promise<AgencyEvent[]> {
  if (agency.parentOrganCode) await requireAgency(store, agency.parentOrganCode, agency.organCode);
  const command = (state: AgencyState): AgencyCommand => ({
    type: state.status === 'unregistered' ? 'RegisterAgency' : 'UpdateAgency',
    data: agency,
    meta,
  });
  return (await handleCommand(store, agencyStream(agency.organCode), agencyDecider, command)).events;
}

/** Retires an agency; the successor, when named, must be registered. */
export async function retireAgency(
  store: EventStore,
  retirement: AgencyRetiredData,
  meta: CommandMeta,
): Promise<AgencyEvent[]> {
  if (retirement.successorOrganCode) {
    await requireAgency(store, retirement.successorOrganCode, retirement.organCode);
  }
  const command: AgencyCommand = { type: 'RetireAgency', data: retirement, meta };
  return (await handleCommand(store, agencyStream(retirement.organCode), agencyDecider, command)).events;
}

async function requireAgency(store: EventStore, code: string, referrer: string): Promise<void> {
  const state = await loadAgency(store, code);
  if (state.status === 'unregistered') throw new AgencyNotFoundError(code);
  if (state.status === 'retired' && code !== referrer) {
    throw new AgencyStateError(code, `is retired and cannot be referenced by ${referrer}`);
  }
}
