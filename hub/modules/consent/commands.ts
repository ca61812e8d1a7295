import type { Command } from '../../kernel/decider/index.js';
import type { ConsentGrantedData } from './events.js';

/** The citizen (through a portal) grants a consent; `meta.now` bounds its validity window. */
export type GrantConsent = Command<'GrantConsent', ConsentGrantedData>;
/** The citizen withdraws a consent: `subject` is their pseudonym; only the consent's own subject may. */
export type WithdrawConsent = Command<
  'WithdrawConsent',
  { consentId: string; subject: string; reason: string | null }
>;
/** The sweeper records that a consent's validity window has closed. */
export type ExpireConsent = Command<'ExpireConsent', { consentId: string }>;

export type ConsentCommand = GrantConsent | WithdrawConsent | ExpireConsent;
