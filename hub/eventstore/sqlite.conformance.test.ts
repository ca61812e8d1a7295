import path from 'node:path';
import { silentLogger, tempDir } from '../testing/temp.js';
import { eventStoreContract } from './conformance.js';
import { openSqliteEventStore } from './sqlite.js';

eventStoreContract('sqlite', async () => {
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
