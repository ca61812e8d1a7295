import path from 'node:path';
import type { Command } from 'commander';
import { type GlobalOptions, withSession } from '../../cli/kit/context.js';
import { withValidation } from '../../events/validating-store.js';
import { createEventValidator } from '../../events/validator.js';
import { SubjectKeyStore } from '../../privacy/key-store.js';
import { createPseudonymizer } from '../../privacy/pseudonym.js';
import { eraseSubject } from './erase.js';

/** `hub erase subject --personal-id <12 digits>`: crypto-shreds one citizen (see `eraseSubject`). */
export function registerEraseCommands(program: Command, env: NodeJS.ProcessEnv = process.env): void {
  const group = program
    .command('erase')
    .description("erase personal data (crypto-shredding of a data subject's key)");
  group
    .command('subject')
    .description("delete a citizen's key, drop their read-model rows and record SubjectErased")
    .requiredOption('--personal-id <id>', "the citizen's personal identification number (12 digits)")
    .option(
      '--operator <staffId>',
      'staff id of the operator carrying out the erasure',
      env.USER ?? 'operator',
    )
    .action(async (options: { personalId: string; operator: string }, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      const result = await withSession(
        global,
        [],
        async ({ config, store, db, logger }) => {
          const { secrets } = config;
          const keys = new SubjectKeyStore(path.join(config.dataDir, 'keys.db'), secrets.masterKey);
          try {
            return await eraseSubject(
              {
                store: withValidation(store, createEventValidator()),
                readModels: db,
                keys,
                pseudonymize: createPseudonymizer(secrets.pseudonymSecret),
                actor: { kind: 'operator', id: 'hub-cli', official: options.operator },
                logger,
              },
              options.personalId,
            );
          } finally {
            keys.close();
          }
        },
        env,
      );
      process.stdout.write(`${JSON.stringify(result)}\n`);
    });
}
