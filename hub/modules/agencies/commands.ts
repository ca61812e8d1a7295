import fs from 'node:fs';
import { compileSchema, parseYamlDocument } from '../../kernel/documents.js';
import {
  AgencyNotFoundError,
  AgencyStateError,
  InvalidDocumentError,
  StreamNotFoundError,
} from '../../kernel/errors/index.js';
import type { EventStore, ExpectedRevision } from '../../kernel/event-store.js';
import { type AgencyCommand, type AgencyState, decide, evolve, initialState } from './decider.js';
import { type AgencyDescriptor, type AgencyEvent, type AgencyRetiredData, agencyStream } from './events.js';

export interface LoadedAgency {
  state: AgencyState;
  expectedRevision: ExpectedRevision;
}

/** Folds an agency's stream (the source of truth, whatever the read model has caught up to). */
export async function loadAgency(store: EventStore, organCode: string): Promise<LoadedAgency> {
  try {
    const events = await store.readStream(agencyStream(organCode));
    const state = events.reduce((s, e) => evolve(s, e as unknown as AgencyEvent), initialState);
    return { state, expectedRevision: events.at(-1)?.revision ?? 'no_stream' };
  } catch (err) {
    if (err instanceof StreamNotFoundError) return { state: initialState, expectedRevision: 'no_stream' };
    throw err;
  }
}

const organCodeOf = (c: AgencyCommand) =>
  c.type === 'RetireAgency' ? c.retirement.organCode : c.agency.organCode;

/** Runs a command against the agency's stream; returns the events appended (none when a no-op). */
export async function handleAgencyCommand(store: EventStore, command: AgencyCommand): Promise<AgencyEvent[]> {
  const code = organCodeOf(command);
  const { state, expectedRevision } = await loadAgency(store, code);
  const events = decide(command, state);
  if (events.length > 0) await store.append(agencyStream(code), events, { expectedRevision });
  return events;
}

/** Registers a new agency or replaces the registration of an active one (e.g. to rotate keys). */
export async function registerOrUpdateAgency(
  store: EventStore,
  agency: AgencyDescriptor,
  meta: AgencyCommand['meta'],
): Promise<AgencyEvent[]> {
  if (agency.parentOrganCode) await requireAgency(store, agency.parentOrganCode, agency.organCode);
  const { state } = await loadAgency(store, agency.organCode);
  const type = state.status === 'unregistered' ? 'RegisterAgency' : 'UpdateAgency';
  return handleAgencyCommand(store, { type, agency, meta });
}

/** Retires an agency; the successor, when named, must be registered. */
export async function retireAgency(
  store: EventStore,
  retirement: AgencyRetiredData,
  meta: AgencyCommand['meta'],
): Promise<AgencyEvent[]> {
  if (retirement.successorOrganCode) {
    await requireAgency(store, retirement.successorOrganCode, retirement.organCode);
  }
  return handleAgencyCommand(store, { type: 'RetireAgency', retirement, meta });
}

async function requireAgency(store: EventStore, code: string, referrer: string): Promise<void> {
  const { state } = await loadAgency(store, code);
  if (state.status === 'unregistered') throw new AgencyNotFoundError(code);
  if (state.status === 'retired' && code !== referrer) {
    throw new AgencyStateError(code, `is retired and cannot be referenced by ${referrer}`);
  }
}

/** An entry of an agency file (schemas/agency-seed.schema.json). */
export type AgencyFileEntry = Omit<AgencyDescriptor, 'keys'> & {
  keys: AgencyDescriptor['keys'] | 'demo';
  retired?: Omit<AgencyRetiredData, 'organCode'>;
};

/** Reads and validates an agency file (YAML or JSON); throws InvalidDocumentError naming file, path and line. */
export function readAgencyFile(file: string, text = fs.readFileSync(file, 'utf8')): AgencyFileEntry[] {
  const validate = compileSchema('agency-seed.schema.json');
  const parsed = parseYamlDocument<{ agencies: AgencyFileEntry[] }>(file, text, validate);
  if (!parsed.ok) throw new InvalidDocumentError(parsed.issues);
  const seen = new Set<string>();
  parsed.value.agencies.forEach((a, i) => {
    if (seen.has(a.organCode)) {
      const path = `/agencies/${i}/organCode`;
      throw new InvalidDocumentError([{ file, path, line: parsed.lineOf(path), message: 'is listed twice' }]);
    }
    seen.add(a.organCode);
  });
  return parsed.value.agencies;
}
