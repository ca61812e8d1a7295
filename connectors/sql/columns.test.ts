import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger, tempDir } from '../../hub/testing/temp.js';
import { openTestHub } from '../kit/testing.js';
import { openConnector } from '../runtime.js';
import { type HouseholdSource, householdSource } from './testing/households.js';
import { tempConnector } from './testing/temp-connector.js';

describe('check: the columns a join stream names', () => {
  const tmp = tempDir();
  let source: HouseholdSource;
  let hub: Awaited<ReturnType<typeof openTestHub>>;

  beforeAll(async () => {
    source = await householdSource('sqlite', 20);
    hub = await openTestHub(tmp.dir);
    // A join with a mistyped base column in its ON, a joined column and a base column in the mapping.
    tempConnector({
      root: tmp.dir,
      name: 'typos',
      from: 'population-household-sql',
      stream: (s) => ({ ...s, joins: s.joins!.map((j) => ({ ...j, on: { so_ho: 'cd.so_hoo' } })) }),
      fields: (f) => ({
        ...f,
        fullName: { ...f.fullName!, from: 'ho_tem' },
        'permanentResidence.address': { ...f['permanentResidence.address']!, from: 'hgd.dia_chii' },
      }),
    });
  });
  afterAll(async () => {
    await hub.close();
    await source.drop();
    tmp.remove();
  });

  it('names each field pointing at a missing column of the base or a joined table, as written', async () => {
    const c = openConnector({
      name: 'typos',
      root: tmp.dir,
      hub,
      logger: silentLogger(),
      set: [`url=${source.url}`],
    });
    const result = await c.check(5000);
    expect(result.ok).toBe(false);
    expect(result.error?.code).toBe('CONNECTOR_SOURCE_COLUMN_MISSING');
    expect(result.checks.filter((x) => !x.ok).map((x) => x.message)).toEqual([
      'connector.json: streams[0].joins[0].on.so_ho → cd.so_hoo: no such column in cong_dan; did you mean cd.so_ho?',
      'mapping mapping.json: fullName.from → ho_tem: no such column in cong_dan; did you mean ho_ten?',
      'mapping mapping.json: permanentResidence.address.from → hgd.dia_chii: no such column in ho_gia_dinh; did you mean hgd.dia_chi?',
    ]);
  });
});
