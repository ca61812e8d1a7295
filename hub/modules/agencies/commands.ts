import type { Command } from '../../kernel/decider/index.js';
import type { AgencyDescriptor, AgencyRetiredData } from './events.js';

/** Register a new agency (the whole descriptor). */
export type RegisterAgency = Command<'RegisterAgency', AgencyDescriptor>;
/** Replace the registration of an active agency: renames, role changes, key rotation. */
export type UpdateAgency = Command<'UpdateAgency', AgencyDescriptor>;
/** End an agency's time in force, naming its successor when there is one. */
export type RetireAgency = Command<'RetireAgency', AgencyRetiredData>;

export type AgencyCommand = RegisterAgency | UpdateAgency | RetireAgency;
