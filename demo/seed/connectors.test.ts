import { describe, expect, it } from 'vitest';
import { openTestHub } from '../../connectors/kit/testing.js';
import { silentLogger, tempDir } from '../../hub/testing/temp.js';
import { syncDemoSources } from './connectors.js';

describe('demo sources', () => {
  it('syncs the bundled population database into record events with provenance, once', async () => {
    const tmp = tempDir();
    const hub = await openTestHub(tmp.dir);
    try {
      const first = await syncDemoSources({ ...hub, logger: silentLogger() });
      expect(first.counts.upserted).toBeGreaterThan(2500);
      const [event] = await hub.raw.readAll({
        filter: { eventTypes: ['DatasetRecordUpserted'] },
        maxCount: 1,
      });
      expect(event!.metadata.source).toMatchObject({ connector: 'population-sql', table: 'cong_dan' });
      const second = await syncDemoSources({ ...hub, logger: silentLogger() });
      expect(second.counts).toMatchObject({ read: 0, upserted: 0 });
    } finally {
      await hub.close();
      tmp.remove();
    }
  }, 60_000);
});
