import { v5 as uuidv5 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { recordEventId, uuidV5 } from './build.js';
import { RECORDS_NAMESPACE } from './events.js';

describe('record event ids', () => {
  it('are the UUIDv5 ids of the uuid package, for ASCII and Vietnamese names alike', () => {
    for (const name of ['population/abc/-/v1', 'x', '', 'Nguyễn Thị Hoà/Quán Thánh', 'a'.repeat(300)]) {
      expect(uuidV5(name)).toBe(uuidv5(name, RECORDS_NAMESPACE));
    }
  });

  it('depend on dataset, key and both versions', () => {
    const ids = new Set([
      recordEventId('population', 'k', null, 'v1'),
      recordEventId('population', 'k', 'v1', 'v2'),
      recordEventId('population', 'k', 'v2', 'v1'),
      recordEventId('population', 'k2', null, 'v1'),
      recordEventId('business', 'k', null, 'v1'),
    ]);
    expect(ids.size).toBe(5);
    expect(recordEventId('population', 'k', null, 'v1')).toBe(uuidv5('population/k/-/v1', RECORDS_NAMESPACE));
  });
});
