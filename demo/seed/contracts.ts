import { decideAll } from '../../hub/kernel/decider/index.js';
import { InvalidDocumentError } from '../../hub/kernel/errors/index.js';
import type { EventData } from '../../hub/kernel/event-store.js';
import {
  CONTRACTS_DIR,
  type ContractCommand,
  contractDecider,
  contractFilesIn,
  contractStream,
  readContractFiles,
} from '../../hub/modules/contracts/index.js';
import { seedMeta } from './agencies.js';
import { builtDataset, type DemoDataset } from './dataset.js';

const BUILDER_VERSION = 1;

/** The demo contracts of contracts/*.yaml (seed after `agencies`). */
export function contractsDataset(options: { dir?: string } = {}): DemoDataset {
  const load = () => {
    const { contracts, issues } = readContractFiles(contractFilesIn(options.dir ?? CONTRACTS_DIR));
    if (issues.length > 0) throw new InvalidDocumentError(issues);
    return contracts;
  };
  return builtDataset('contracts', BUILDER_VERSION, () =>
    load().map(({ terms, revoked }) => {
      const stream = contractStream(terms.contractId);
      const commands: ContractCommand[] = [
        {
          type: 'ApplyContract',
          data: terms,
          meta: seedMeta(stream, 'ContractRegistered', terms, `${terms.validFrom}T00:00:00+07:00`),
        },
      ];
      if (revoked) {
        const revocation = { contractId: terms.contractId, reason: revoked.reason, revokedOn: revoked.on };
        const meta = seedMeta(stream, 'ContractRevoked', revocation, `${revoked.on}T00:00:00+07:00`);
        commands.push({ type: 'RevokeContract', data: revocation, meta });
      }
      const events: EventData[] = decideAll(contractDecider, commands);
      return { stream, events };
    }),
  );
}
