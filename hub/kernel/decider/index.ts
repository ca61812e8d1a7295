/**
 * The decider kit: the `Decider` type and the one command shape, `handleCommand` (read → fold →
 * decide → append with the expected revision, retried on conflict) and given/when/then specs.
 */
export * from './decider.js';
export * from './handle-command.js';
export * from './specification.js';
