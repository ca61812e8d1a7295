import path from 'node:path';
import { silentLogger, tempDir } from '../testing/temp.js';
import { eventStoreConformance } from './conformance.js';
import { openSqliteEventStore } from './sqlite.js';

eventStoreConformance('sqlite', async () => {
  const tmp = tempDir();
  const store = await openSqliteEventStore({ file: path.join(tmp.dir, 'events.db'), logger: silentLogger() });
  return {
    store,
    cleanup: async () => {
      await store.close();
      tmp.remove();
    },
  };
});
