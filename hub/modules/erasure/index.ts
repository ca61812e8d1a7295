import type { HubModule } from '../../kernel/module.js';
import { registerEraseCommands } from './cli.js';

/** Erasure of a data subject: crypto-shredding of their key, their read-model rows dropped, `SubjectErased`. */
export const erasureModule: HubModule = {
  name: 'erasure',
  projections: [],
  cli: (program, { env }) => registerEraseCommands(program, env),
};

export { type EraseDeps, type ErasureResult, eraseSubject } from './erase.js';
export * from './events.js';
