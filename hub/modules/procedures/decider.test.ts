import { describe, it } from 'vitest';
import { createEventValidator } from '../../events/validator.js';
import { DeciderSpecification } from '../../kernel/decider/index.js';
import { ProcedureNotFoundError, ProcedureStateError } from '../../kernel/errors/index.js';
import { deciderFixtures } from '../../testing/decider.js';
import type { PublishProcedure, WithdrawProcedure } from './commands.js';
import { contentHash, procedureDecider } from './decider.js';
import type { ProcedureDefinition, ProcedureEvent } from './events.js';

const validator = createEventValidator();
const { given } = DeciderSpecification.for(procedureDecider, { validate: (e) => validator.validate(e) });
const { meta, event } = deciderFixtures<ProcedureEvent>('2026-01-01T00:00:00Z', 'test');

const definition: ProcedureDefinition = {
  code: '1.000656',
  codeVerified: true,
  name: 'Đăng ký khai tử',
  field: 'Hộ tịch',
  level: 'commune',
  organs: [],
  fee: { amount: 0 },
  processingTime: { amount: 1, unit: 'working-days' },
  serviceLevel: 'full-online',
  paperResultRequired: true,
  result: { type: 'death-certificate', name: 'Trích lục khai tử' },
  legalBasis: ['Luật Hộ tịch số 60/2014/QH13'],
  components: [
    {
      code: 'to-khai',
      name: 'Tờ khai',
      required: true,
      original: 1,
      copies: 0,
      supply: { declaration: true },
    },
  ],
  linked: [],
  eForm: { type: 'object', properties: { dateOfDeath: { type: 'string', format: 'date' } } },
  sources: [],
};
const slower = { ...definition, processingTime: { amount: 3, unit: 'working-days' as const } };

const publish = (n: number, d: ProcedureDefinition = definition): PublishProcedure => ({
  type: 'PublishProcedure',
  data: d,
  meta: meta(n),
});
const withdraw = (n: number, reason = 'Bãi bỏ theo quyết định công bố'): WithdrawProcedure => ({
  type: 'WithdrawProcedure',
  data: { code: definition.code, reason, withdrawnOn: '2026-01-01' },
  meta: meta(n),
});
const v1 = event(1, 'ProcedurePublished', {
  code: definition.code,
  version: 1,
  contentHash: contentHash(definition),
  definition,
});
const v2 = event(2, 'ProcedurePublished', {
  code: definition.code,
  version: 2,
  contentHash: contentHash(slower),
  definition: slower,
});
const withdrawn = event(3, 'ProcedureWithdrawn', {
  code: definition.code,
  version: 2,
  reason: 'Bãi bỏ theo quyết định công bố',
  withdrawnOn: '2026-01-01',
});

describe('procedure decider', () => {
  it('publishes v1, the next version when the content changes, nothing when it does not', () => {
    given([]).when(publish(1)).then([v1]);
    given([v1]).when(publish(2)).thenNothing();
    given([v1]).when(publish(2, slower)).then([v2]);
    // key order is not content
    const reordered = Object.fromEntries(
      Object.entries(definition).reverse(),
    ) as unknown as ProcedureDefinition;
    given([v1]).when(publish(2, reordered)).thenNothing();
  });

  it('withdraws the version in force; the same withdrawal again is a no-op', () => {
    given([v1, v2]).when(withdraw(3)).then([withdrawn]);
    given([v1, v2, withdrawn]).when(withdraw(4)).thenNothing();
    given([v1, v2, withdrawn])
      .when(withdraw(4, 'Một lý do khác'))
      .thenThrows(ProcedureStateError, (e) => /already withdrawn on 2026-01-01/.test(e.reason));
    given([v1])
      .when(withdraw(3, '  '))
      .thenThrows(ProcedureStateError, (e) => /needs a reason/.test(e.reason));
    given([])
      .when(withdraw(3))
      .thenThrows(ProcedureNotFoundError, (e) => e.procedureCode === definition.code);
  });

  it('does not publish a withdrawn procedure again, unless nothing changed', () => {
    given([v1, v2, withdrawn]).when(publish(4, slower)).thenNothing();
    given([v1, v2, withdrawn])
      .when(publish(4, definition))
      .thenThrows(ProcedureStateError, (e) => /withdrawn on 2026-01-01/.test(e.reason));
  });
});
