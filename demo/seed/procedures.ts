import { decideAll } from '../../hub/kernel/decider/index.js';
import { InvalidDocumentError } from '../../hub/kernel/errors/index.js';
import type { EventData } from '../../hub/kernel/event-store.js';
import {
  PROCEDURES_DIR,
  type ProcedureCommand,
  procedureDecider,
  procedureFilesIn,
  procedureStream,
  readProcedureFiles,
} from '../../hub/modules/procedures/index.js';
import { seedMeta } from './agencies.js';
import { builtDataset, type DemoDataset } from './dataset.js';

const BUILDER_VERSION = 1;
/** The demo catalogue is published as of the reorganisation of 1 July 2025. */
const PUBLISHED_AT = '2025-07-01T00:00:00+07:00';

/** The demo procedure catalogue of procedures/*.yaml. */
export function proceduresDataset(options: { dir?: string } = {}): DemoDataset {
  const load = () => {
    const { procedures, issues } = readProcedureFiles(procedureFilesIn(options.dir ?? PROCEDURES_DIR));
    if (issues.length > 0) throw new InvalidDocumentError(issues);
    return procedures;
  };
  return builtDataset('procedures', BUILDER_VERSION, () =>
    load().map(({ definition, withdrawn }) => {
      const stream = procedureStream(definition.code);
      const commands: ProcedureCommand[] = [
        {
          type: 'PublishProcedure',
          data: definition,
          meta: seedMeta(stream, 'ProcedurePublished', definition, PUBLISHED_AT),
        },
      ];
      if (withdrawn) {
        const withdrawal = { code: definition.code, reason: withdrawn.reason, withdrawnOn: withdrawn.on };
        const meta = seedMeta(stream, 'ProcedureWithdrawn', withdrawal, `${withdrawn.on}T00:00:00+07:00`);
        commands.push({ type: 'WithdrawProcedure', data: withdrawal, meta });
      }
      const events: EventData[] = decideAll(procedureDecider, commands);
      return { stream, events };
    }),
  );
}
